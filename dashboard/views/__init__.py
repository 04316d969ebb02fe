"""The app's views. Each reads the current result and draws; none computes heavily.

``VIEWS`` is the registry the app's view switcher shows, in order: a view is a
title and a function of no arguments. Add a view by adding one entry here.
"""

from .closed_form import closed_form_page
from .convergence import convergence_page
from .fit import fit_page
from .landscape import landscape_page
from .math import math_page

VIEWS = {
    "Landscape": landscape_page,
    "Closed form": closed_form_page,
    "Convergence": convergence_page,
    "Fit": fit_page,
    "Math": math_page,
}

__all__ = ["VIEWS", "closed_form_page", "convergence_page", "fit_page", "landscape_page", "math_page"]
