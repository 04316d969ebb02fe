"""The app's pages. Each reads the current result and draws; none computes."""

from .closed_form import closed_form_page
from .convergence import convergence_page
from .fit import fit_page
from .landscape import landscape_page

__all__ = ["closed_form_page", "convergence_page", "fit_page", "landscape_page"]
