"""Bundled datasets: registry, files shipped as package data, and fits against independent oracles."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest

from core import (
    DATASETS,
    DatasetInfo,
    SingularGramError,
    Table,
    design_from_table,
    list_datasets,
    load_dataset,
    numeric_columns,
    solve_least_squares,
)

LONGLEY_ALL = ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]
# NIST StRD "Longley" certified values (intercept first), an oracle independent of any solver here.
LONGLEY_CERTIFIED = np.array(
    [
        -3482258.63459582,
        15.0618722713733,
        -0.358191792925910e-01,
        -2.02022980381683,
        -1.03322686717359,
        -0.511041056535807e-01,
        1829.15146461355,
    ]
)


def test_registry_lists_every_dataset_with_its_facts():
    assert list_datasets() == ("longley", "stackloss", "anscombe")
    sources = resources.files("core").joinpath("data_files", "SOURCES.md").read_text(encoding="utf-8")
    for name in list_datasets():
        info = DATASETS[name]
        assert isinstance(info, DatasetInfo) and info.name == name
        texts = (info.title, info.description, info.teaches, info.source, info.citation, info.licence)
        assert all(isinstance(text, str) and text.strip() for text in texts)
        assert info.target in info.teaches or info.name == "anscombe" or info.target in info.description
        assert "public domain" in info.licence.lower()
        assert f"## {info.filename}" in sources
        assert 1 <= len(info.features) <= 5  # within design_from_table's default max_features
    with pytest.raises(TypeError):
        DATASETS["mine"] = DATASETS["longley"]  # read-only registry


def test_unknown_name_lists_the_choices():
    with pytest.raises(
        ValueError, match=r"name must be one of 'longley', 'stackloss', 'anscombe', got 'iris'"
    ):
        load_dataset("iris")


@pytest.mark.parametrize("name", ["longley", "stackloss", "anscombe"])
def test_each_dataset_loads_and_its_fit_matches_lstsq(name):
    info = DATASETS[name]
    table = load_dataset(name)
    assert isinstance(table, Table)
    assert table.n_rows == info.n_rows and table.notes == () and table.encoding == "utf-8"
    report = numeric_columns(table)
    assert report.usable == table.columns and report.caveats == {}
    design = design_from_table(table, info.target, info.features, intercept=True)
    X = np.column_stack([np.ones(table.n_rows), table.frame[list(info.features)].to_numpy(float)])
    y = table.frame[info.target].to_numpy(float)
    np.testing.assert_array_equal(design.X, X)
    expected, *_ = np.linalg.lstsq(X, y, rcond=None)
    got = solve_least_squares(design.X, design.y, method="svd").coef
    # Relative to the solution's size: Longley's coefficients span 1e-2..1e6.
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9 * np.abs(expected).max())


def test_longley_is_famously_ill_conditioned():
    table = load_dataset("longley")
    raw = design_from_table(table, "TOTEMP", LONGLEY_ALL, intercept=True, max_features=6)
    # κ(XᵀX) ≈ 2.36e19 (κ(X) ≈ 4.86e9), beyond 1/eps ≈ 4.5e15.
    assert raw.condition_number == pytest.approx(2.36e19, rel=0.01)
    assert any("exceeds 1/eps" in note for note in raw.notes)
    for method in ("qr", "svd"):
        coef = solve_least_squares(raw.X, raw.y, method=method).coef
        np.testing.assert_allclose(coef, LONGLEY_CERTIFIED, rtol=1e-8)
    with pytest.raises(SingularGramError):
        solve_least_squares(raw.X, raw.y, method="normal")
    # Standardizing fixes the scales (κ ≈ 1.22e4), not the collinearity; then even the normal equations work.
    std = design_from_table(table, "TOTEMP", LONGLEY_ALL, intercept=True, max_features=6, standardize=True)
    assert std.condition_number == pytest.approx(1.22e4, rel=0.01)
    slopes, intercept = std.to_original_units(solve_least_squares(std.X, std.y, method="normal").coef)
    np.testing.assert_allclose(np.r_[intercept, slopes], LONGLEY_CERTIFIED, rtol=1e-8)


def test_stackloss_conditioning_before_and_after_standardizing():
    info = DATASETS["stackloss"]
    design = design_from_table(
        load_dataset("stackloss"), info.target, info.features, intercept=True, standardize=True
    )
    assert design.condition_number_raw == pytest.approx(3.28e6, rel=0.01)
    assert design.condition_number == pytest.approx(10.3, rel=0.01)


@pytest.mark.parametrize("pair", ["1", "2", "3", "4"])
def test_anscombe_pairs_share_one_line(pair):
    design = design_from_table(load_dataset("anscombe"), "y" + pair, ["x" + pair], intercept=True)
    solution = solve_least_squares(design.X, design.y, method="qr")
    intercept, slope = solution.coef
    assert intercept == pytest.approx(3.00, abs=0.003) and slope == pytest.approx(0.500, abs=0.001)
    r_squared = 1 - solution.rss / np.sum((design.y - design.y.mean()) ** 2)
    assert r_squared == pytest.approx(0.666, abs=0.001)
    assert design.y.mean() == pytest.approx(7.50, abs=0.001)
