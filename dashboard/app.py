"""Entry point: ``streamlit run dashboard/app.py``."""

import numpy as np
import streamlit as st

from core import make_regression, solve_least_squares

st.set_page_config(page_title="Least-squares lab", layout="wide")
st.title("Least-squares lab")
data = make_regression(200, 2, noise=0.5, condition_number=10.0, seed=0)
solution = solve_least_squares(data.X, data.y)
st.latex(r"w^\star = (X^\top X)^{-1} X^\top y")
st.write("Closed-form solution:", np.round(solution.coef, 4), "true:", np.round(data.coef, 4))
