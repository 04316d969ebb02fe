"""dashboard: the Streamlit app over ``core``. Figure builders never import streamlit."""
