"""The app's chart component: plotly figures drawn once in the browser, then updated in place."""

from .component import clicked_point, render_chart, reported_camera
from .payload import Panel

__all__ = ["Panel", "clicked_point", "render_chart", "reported_camera"]
