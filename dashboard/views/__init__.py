"""The app's views. Each reads the current result and draws; none computes heavily.

``VIEWS`` is the registry the app's view switcher shows, in order: a view is a
title and a function of no arguments. Add a view by adding one entry here.

A view's URL-bound widgets are specs (``dashboard.specs``) declared at module level
in its module and drawn with their ``render``; ``VIEW_SPECS`` collects them from
every module of this package, so the link checker and the share link know them
without a hand-kept list.
"""

import importlib
import pkgutil

from dashboard.specs import Choice, specs_in

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

VIEW = Choice("view", "View", tuple(VIEWS), "Landscape", "Which picture to show.", "segmented", str)


def _view_specs() -> dict:
    specs = {VIEW.key: VIEW}
    for module in pkgutil.iter_modules(__path__, __name__ + "."):
        for spec in specs_in(vars(importlib.import_module(module.name))).values():
            if specs.setdefault(spec.key, spec) is not spec:
                raise ValueError(f"two view widgets share the URL key {spec.key!r}")
    return specs


# Every widget inside the views that is bound to the URL, by key (and the view switcher).
VIEW_SPECS = _view_specs()

__all__ = [
    "VIEW",
    "VIEWS",
    "VIEW_SPECS",
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
