"""Pure plotly figure builders for the dashboard: inputs in, ``go.Figure`` out.

Nothing here imports streamlit, so every figure can be built and tested alone.
"""

from .convergence import build_convergence_figure
from .fit import build_coef_figure, build_fit_figure, build_residual_figure, coefficient_names
from .landscape import CAMERA_PRESETS, build_contour_figure, build_loss_curve_figure, build_surface_figure
from .paths import PathSpec, downsample_indices, downsample_path
from .style import OKABE_ITO, PATH_COLORS, path_color

__all__ = [
    "CAMERA_PRESETS",
    "OKABE_ITO",
    "PATH_COLORS",
    "PathSpec",
    "build_coef_figure",
    "build_contour_figure",
    "build_convergence_figure",
    "build_fit_figure",
    "build_loss_curve_figure",
    "build_residual_figure",
    "build_surface_figure",
    "coefficient_names",
    "downsample_indices",
    "downsample_path",
    "path_color",
]
