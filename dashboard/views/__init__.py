"""The app's views. Each reads the current result and draws; none computes heavily.

``VIEWS`` is the registry the app's view switcher shows, in order: a view is a
title and a function of no arguments. Add a view by adding one entry here.
"""

from .closed_form import closed_form_page
from .convergence import convergence_page
from .cost import cost_page
from .fit import fit_page
from .generalization import generalization_page
from .geometry import geometry_page
from .landscape import landscape_page
from .math import math_page
from .minibatches import minibatches_page
from .minima import minima_page
from .spectrum import spectrum_page

VIEWS = {
    "Landscape": landscape_page,
    "Closed form": closed_form_page,
    "Convergence": convergence_page,
    "Fit": fit_page,
    "Math": math_page,
    "Minibatches": minibatches_page,
    "Generalization": generalization_page,
    "Cost": cost_page,
    "Minima": minima_page,
    "Geometry": geometry_page,
    "Spectrum": spectrum_page,
}

# Widgets inside the views that are bound to the URL too (Streamlit checks their values itself).
VIEW_PARAMS = frozenset(
    {"slice", "ax1", "ax2", "cam", "anim", "anim_clock", "anim3d", "stepmode", "step_run", "step_t",
     "cost_nmax", "cost_kmax", "cost_epochs", "gen_k", "gen_noise", "gen_ridge", "gen_seeds",
     "geo_exact", "geo_seed", "geo_steps", "mb_batch", "mb_count", "mb_lr", "mb_seed",
     "min_n", "min_seed", "min_starts", "min_batch", "min_collinear", "spec_t", "spec_run"}
)  # fmt: skip

__all__ = [
    "VIEWS",
    "VIEW_PARAMS",
    "closed_form_page",
    "convergence_page",
    "cost_page",
    "fit_page",
    "generalization_page",
    "geometry_page",
    "landscape_page",
    "math_page",
    "minibatches_page",
    "minima_page",
    "spectrum_page",
]
