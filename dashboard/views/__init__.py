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
}

__all__ = [
    "VIEWS",
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
]
