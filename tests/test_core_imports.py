"""`core` is a plain numerical library: importing it (or any of its modules) never loads streamlit or plotly.

Checked in a fresh interpreter, since this test process may already have imported them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("streamlit", "plotly")


def loaded_after(code: str) -> dict:
    """Run ``code`` in a fresh interpreter and return what it printed as JSON (its last line)."""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def forbidden_in(modules) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in FORBIDDEN)


def test_import_core_loads_neither_streamlit_nor_plotly():
    out = loaded_after(
        "import core, sys, json; print(json.dumps({'modules': sorted(sys.modules), 'file': core.__file__}))"
    )
    assert (
        Path(out["file"]).resolve().parent == ROOT / "core"
    )  # the package under test, not an installed copy
    assert forbidden_in(out["modules"]) == []
    assert "numpy" in out["modules"]  # sanity: the check sees real imports


def test_every_core_module_imports_without_streamlit_or_plotly():
    code = (
        "import core, importlib, json, pkgutil, sys\n"
        "names = [m.name for m in pkgutil.iter_modules(core.__path__, 'core.')]\n"
        "for name in names: importlib.import_module(name)\n"
        "print(json.dumps({'names': names, 'modules': sorted(sys.modules)}))"
    )
    out = loaded_after(code)
    assert {"core.data", "core.solvers", "core.quadratic", "core._gram", "core._validation"} <= set(
        out["names"]
    )
    assert forbidden_in(out["modules"]) == []


def test_the_check_would_notice_a_forbidden_import():
    pytest.importorskip("plotly")
    out = loaded_after("import core, plotly, sys, json; print(json.dumps({'modules': sorted(sys.modules)}))")
    assert "plotly" in forbidden_in(out["modules"])


def test_public_contract_names_are_importable_from_core():
    import core

    contract = {"make_regression", "solve_least_squares", "QuadraticLoss", "SingularGramError"}
    assert contract <= set(core.__all__)
    assert all(callable(getattr(core, name)) for name in contract)
