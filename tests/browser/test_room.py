"""Every view as the room sees it: three screen sizes, light, dark and projector mode, in a real Chromium.

One walk (a module fixture) opens the app once per mode and size and clicks through every
view, as a lecturer would. At each view it keeps two screenshots in
tests/browser/artifacts/room/ (``<view>-<mode>-<W>x<H>.png``, the screen, and ``...-full.png``,
the whole view) and measures what the tests below check:

- every chart title, axis title, colour-bar title, legend and note lies inside its chart, no
  legend covers a plot's data, and no text on the page is cut to "…";
- projector mode draws chart type (titles, axis titles, ticks, legends) and the page's type
  (metrics, text, captions, alerts, tables, formulas) larger than the normal mode;
- what a student reads names no function of the code and shows no unrendered markup.

3D axis titles are drawn inside the WebGL canvas, out of the page's reach: a 3D chart's
title and legend are checked, its axis titles are looked at in the screenshots.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest

import core
from dashboard.views import VIEWS

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parent / "artifacts" / "room"
SIZES = {"1024x768": (1024, 768), "1280x720": (1280, 720), "1920x1080": (1920, 1080)}
# The dark page is opened the way a shared dark link opens it (lecture.theme_link_params).
MODES = {"light": "", "dark": "theme=dark&embed_options=dark_theme", "projector": "big=true"}


def _views():
    return [pytest.param(view, id=_slug(view)) for view in VIEWS]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# --- what the page holds, measured in the browser --------------------------------------------------

CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stBidiComponentRegular"]')]
    .every(c => { const g = c.querySelector('.lsq-charts'); return g && g.dataset.revision; })"""

# Each chart's texts that must lie inside it: (what, text, overshoot in px beyond its box).
OUTSIDE = """() => {
    const sel = 'text.gtitle, text[class$="title"], .cbtitle text, g.legend, g.annotation';
    const out = [];
    for (const gd of document.querySelectorAll('.lsq-chart')) {
        const box = gd.getBoundingClientRect();
        for (const el of gd.querySelectorAll(sel)) {
            const r = el.getBoundingClientRect();
            if (!r.width || !r.height) continue;
            const over = Math.max(box.left - r.left, r.right - box.right,
                                  box.top - r.top, r.bottom - box.bottom);
            if (over > 1) {
                const what = el.matches('g.legend') ? 'legend' : el.matches('g.annotation') ? 'note'
                    : el.getAttribute('class') || 'title';
                out.push([gd.dataset.panel, what, el.textContent.trim().slice(0, 60), Math.round(over)]);
            }
        }
        // A legend drawn over a 2D plot's data area (its drag rectangle) hides what it labels.
        const legend = gd.querySelector('g.legend');
        const r = legend && legend.getBoundingClientRect();
        if (!r || !r.width) continue;
        for (const plot of gd.querySelectorAll('.draglayer .nsewdrag')) {
            const p = plot.getBoundingClientRect();
            const w = Math.min(r.right, p.right) - Math.max(r.left, p.left);
            const h = Math.min(r.bottom, p.bottom) - Math.max(r.top, p.top);
            if (w > 4 && h > 4) {
                out.push([gd.dataset.panel, 'legend over the plot', legend.textContent.trim().slice(0, 60),
                          Math.round(Math.min(w, h))]);
                break;
            }
        }
    }
    return out;
}"""

# Text Streamlit cut to "…" (an element that ellipsizes and is narrower than its text).
CUT = """root => [...document.querySelectorAll(root + ' *')]
    .filter(e => getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1
                 && e.textContent.trim())
    .map(e => e.textContent.trim().slice(0, 60))"""

# Font sizes (px) by what they are: per chart panel for chart type, for the page's own type.
FONTS = """() => {
    const px = el => el ? parseFloat(getComputedStyle(el).fontSize) : null;
    const main = document.querySelector('[data-testid="stMain"]');
    const first = sel => px(main.querySelector(sel));
    const out = {page: {
        'metric value': first('[data-testid="stMetricValue"]'),
        'metric label': first('[data-testid="stMetricLabel"] p'),
        'text': first('[data-testid="stMarkdownContainer"] p'),
        'caption': first('[data-testid="stCaptionContainer"]'),
        'alert': first('[data-testid="stAlert"] p'),
        'table': first('[data-testid="stTable"] td'),
        'formula': first('.katex'),
    }, charts: {}};
    for (const gd of document.querySelectorAll('.lsq-chart')) {
        const f = sel => px(gd.querySelector(sel));
        out.charts[gd.dataset.panel] = {
            'title': f('text.gtitle'), 'axis title': f('text.xtitle') || f('text.ytitle'),
            'ticks': f('.xtick text') || f('.ytick text'), 'legend': f('.legend text'),
        };
    }
    return out;
}"""

# What a student reads: visible text of the element, formulas' hidden TeX source excepted.
VISIBLE_TEXT = """root => {
    const el = document.querySelector(root);
    if (!el) return '';
    const skip = '.katex-mathml, script, style, [data-testid="stCode"], .modebar';
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const parts = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const p = n.parentElement;
        if (!p || p.closest(skip) || !p.checkVisibility()) continue;
        if (n.textContent.trim()) parts.push(n.textContent.trim());
    }
    return parts.join(' \\u2016 ');
}"""


# Each 3D scene's drawn size in px: its domain of the plot area.
SCENES = """() => [...document.querySelectorAll('.lsq-chart')].flatMap(g => {
    const L = g._fullLayout, s = L && L._size;
    return Object.keys(L || {}).filter(k => /^scene\\d*$/.test(k)).map(k => {
        const d = L[k].domain;
        return [g.dataset.panel, Math.round(s.w * (d.x[1] - d.x[0])), Math.round(s.h * (d.y[1] - d.y[0]))];
    });
})"""

PAPERS = "() => [...document.querySelectorAll('.lsq-chart')].map(g => g._fullLayout.paper_bgcolor)"


def _settle(watch) -> None:
    watch.wait_idle()
    watch.page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    watch.page.wait_for_timeout(250)  # plotly lays out its text a frame after the draw


def _shoot(watch, name: str, size: tuple[int, int]) -> None:
    page = watch.page
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    # The main column scrolls inside the page: a viewport as tall as the view shows all of it.
    tall = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    if tall > size[1] + 8:
        page.set_viewport_size({"width": size[0], "height": min(tall, 8000)})
        page.wait_for_timeout(250)
        page.screenshot(path=str(SHOTS / f"{name}-full.png"))
        page.set_viewport_size({"width": size[0], "height": size[1]})


@pytest.fixture(scope="module")
def walk(browser, server_url, ui):
    """Every view in every mode and size: {(mode, size, view): measurements}, plus the page problems."""
    seen, problems = {}, []
    for mode, query in MODES.items():
        for size_name, size in SIZES.items():
            context = browser.new_context(viewport={"width": size[0], "height": size[1]})
            watch = ui.PageWatch(context.new_page(), server_url)
            ui.open_app(watch, "?" + query if query else "")
            for view in VIEWS:
                if view != "Landscape":
                    ui.control(watch.page, "view").get_by_role("radio", name=view, exact=True).click()
                _settle(watch)
                page = watch.page
                seen[mode, size_name, view] = {
                    "outside": page.evaluate(OUTSIDE),
                    "cut": page.evaluate(CUT, "[data-testid='stMain']"),
                    "fonts": page.evaluate(FONTS),
                    "dark": page.evaluate(
                        "() => getComputedStyle(document.querySelector('[data-testid=\"stApp\"]'))"
                        ".backgroundColor"
                    ),
                    "papers": page.evaluate(PAPERS),
                    "scenes": page.evaluate(SCENES),
                }
                if mode == "light" and size_name == "1920x1080":
                    seen[mode, size_name, view]["text"] = page.evaluate(
                        VISIBLE_TEXT, "[data-testid='stMain']"
                    )
                    if view == "Landscape":
                        seen["sidebar"] = page.evaluate(VISIBLE_TEXT, "[data-testid='stSidebar']")
                _shoot(watch, f"{_slug(view)}-{mode}-{size_name}", size)
            problems += [f"{mode} {size_name}: {p}" for p in watch.problems]
            context.close()
    seen["problems"] = problems
    # Everything measured, for a person reading the screenshots (not used by the tests).
    (SHOTS / "walk.json").write_text(
        json.dumps(
            {" | ".join(k) if isinstance(k, tuple) else k: v for k, v in seen.items()},
            ensure_ascii=False,
            indent=1,
        )
    )
    return seen


# --- the checks --------------------------------------------------------------------------------------


def test_the_walk_leaves_every_page_clean(walk):
    """No console error, failed request or request leaving 127.0.0.1 in any mode or size."""
    assert walk["problems"] == []


@pytest.mark.parametrize("view", _views())
def test_chart_titles_legends_and_notes_lie_inside_their_chart(walk, view):
    """Every chart title, axis title, colour-bar title, legend and note, in every mode and size; and
    no legend over a plot's data area."""
    outside = {
        f"{mode} {size}": walk[mode, size, view]["outside"]
        for mode in MODES
        for size in SIZES
        if walk[mode, size, view]["outside"]
    }
    assert outside == {}


def test_the_3d_chart_gets_the_room_at_1024x768(walk):
    """The Landscape's 3D surface is at least 380 px each way on a 1024×768 projector, in every mode."""
    small = {
        mode: scene
        for mode in MODES
        for scene in walk[mode, "1024x768", "Landscape"]["scenes"]
        if min(scene[1:]) < 380
    }
    assert walk["light", "1024x768", "Landscape"]["scenes"], "no 3D scene measured"
    assert small == {}


@pytest.mark.parametrize("view", _views())
def test_no_text_is_cut_to_an_ellipsis(walk, view):
    """Metric labels, buttons, headings: none ends in Streamlit's "…" at any size, in any mode."""
    cut = {f"{mode} {size}": walk[mode, size, view]["cut"] for mode in MODES for size in SIZES}
    assert {where: texts for where, texts in cut.items() if texts} == {}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("view", _views())
def test_projector_mode_enlarges_chart_and_page_type(walk, view, size):
    """Each kind of type present in both modes is larger in projector mode (computed font sizes)."""
    normal, big = walk["light", size, view]["fonts"], walk["projector", size, view]["fonts"]
    smaller = [
        f"{kind}: {normal['page'][kind]} → {big['page'][kind]} px"
        for kind in normal["page"]
        if normal["page"][kind] and big["page"][kind] and not big["page"][kind] > normal["page"][kind]
    ]
    for panel, fonts in normal["charts"].items():
        for kind, px in fonts.items():
            enlarged = big["charts"].get(panel, {}).get(kind)
            if px and enlarged and not enlarged > px:
                smaller.append(f"chart {panel}, {kind}: {px} → {enlarged} px")
    assert smaller == []
    assert normal["page"]["text"] or normal["charts"], f"{view}: nothing measured"


@pytest.mark.parametrize("view", _views())
def test_dark_mode_darkens_the_page_and_every_chart(walk, view):
    for size in SIZES:
        seen = walk["dark", size, view]
        assert _luminance(seen["dark"]) < 60, seen["dark"]
        light_papers = [p for p in seen["papers"] if _luminance(p) > 128]
        assert light_papers == [], f"{size}: charts left light on the dark page"
        assert _luminance(walk["light", size, view]["dark"]) > 200


def _luminance(css: str) -> float:
    if css.startswith("#"):
        rgb = [int(css[i : i + 2], 16) for i in (1, 3, 5)]
    else:
        rgb = [float(v) for v in re.findall(r"[\d.]+", css)[:3]]
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


# Names of the code a student should never read: the library's functions, modules, keyword arguments.
CODE_NAMES = sorted({name for name in core.__all__ if "_" in name}, key=len, reverse=True)
INTERNAL = re.compile(
    r"\b(?:" + "|".join(map(re.escape, CODE_NAMES)) + r")\b"
    r"|\bmethod\s*="
    r"|\b(?:core|dashboard)\.[A-Za-z_]"
    r"|\b[a-z]{2,}_[a-z][a-z0-9]*(?:_[a-z0-9]+)*\("  # a snake_case call: foo_bar(
)
# Markup a student should never see: TeX or HTML or Markdown shown as written.
MARKUP = re.compile(
    r"_\{|\^\{|\\[A-Za-z]{2,}"  # TeX: x_{i}, x^{2}, \frac, \lambda
    r"|</?(?:sub|sup|br|b|i|span)\b[^>]*>"  # HTML tags as text
    r"|\*\*|\$"  # Markdown bold, a TeX delimiter left over
    r"|(?<![\w.])[^\W\d_]_[A-Za-z0-9]"  # w_t, η_t, λ_max: a subscript written with "_"
)


def _around(text: str, match: re.Match, chars: int = 30) -> str:
    return text[max(match.start() - chars, 0) : match.end() + chars]


def _findings(text: str) -> list[str]:
    found = [f"internal name {m.group()!r}" for m in INTERNAL.finditer(text)]
    found += [
        f"markup {m.group()!r} in …{text[max(m.start() - 30, 0) : m.end() + 30]}…"
        for m in MARKUP.finditer(text)
    ]
    return found


@pytest.mark.parametrize("view", _views())
def test_a_views_text_names_no_code_and_shows_no_raw_markup(walk, view):
    """The view's visible text, its charts' included: no function names, no unrendered markup."""
    text = walk["light", "1920x1080", view]["text"]
    assert text, f"{view}: no text found"
    assert _findings(text) == []


def test_the_sidebar_names_no_code_and_shows_no_raw_markup(walk):
    assert _findings(walk["sidebar"]) == []


def test_the_scan_catches_what_it_is_for():
    """The patterns above find the examples the issue lists, and pass rendered text."""
    bad = [
        "see run_optimizer for details",
        "core.to_eigenbasis(X)",
        'solve_least_squares(method="svd")',
        "Σ_{i∈B} ∇L",
        "η_t decays",
        "L(w_t) − L*",
        "2/λ_max",
        "x<sub>i</sub>",
        "**bold**",
        "$w^*$",
        r"\frac{1}{N}",
    ]
    assert [b for b in bad if not _findings(b)] == []
    good = "L(wₜ) − L* for every run; κ(XᵀX) = 9.46; w* = (XᵀX)⁻¹Xᵀy; Σᵢ xᵢ; 2/λmax = 1.12; batch size B = 10"
    assert _findings(good) == []


# --- the theme and projector controls, as a lecturer uses them ----------------------------------------


def _page_luminance(watch) -> float:
    return _luminance(watch.page.evaluate(f"() => {APP_BACKGROUND}"))


APP_BACKGROUND = "getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor"


def _pick_theme(watch, ui, label: str) -> None:
    ui.control(watch.page, "theme").get_by_role("radio", name=label, exact=True).click()
    watch.page.wait_for_url(re.compile(f"embed_options={label.lower()}_theme"), timeout=30_000)
    _settle(watch)


def test_the_theme_control_switches_page_and_charts_and_keeps_the_theme_in_the_link(app_page, ui):
    watch, page = app_page, app_page.page
    ui.open_app(watch, "?view=Convergence")
    assert _page_luminance(watch) > 200
    _pick_theme(watch, ui, "Dark")
    assert "theme=Dark" in page.url and "view=Convergence" in page.url, page.url
    assert _page_luminance(watch) < 60
    assert all(_luminance(p) < 60 for p in page.evaluate(PAPERS))
    page.reload()  # the link alone brings it back
    _settle(watch)
    assert _page_luminance(watch) < 60
    _pick_theme(watch, ui, "Light")
    assert "theme=" not in page.url and _page_luminance(watch) > 200
    assert all(_luminance(p) > 200 for p in page.evaluate(PAPERS))
    assert _besides_reloads(watch) == []


def _besides_reloads(watch) -> list[str]:
    """The page's problems, less its own requests that a reload cut short (an image being fetched,
    or a ``blob:`` of the page's own, which the reload revokes)."""
    cut_short = (f"requestfailed: {watch.base_url}/", f"requestfailed: blob:{watch.base_url}/")
    return [p for p in watch.problems if not p.startswith(cut_short)]


@pytest.mark.parametrize(
    ("system", "query", "reloaded_with", "dark"),
    [
        ("light", "?theme=dark", "embed_options=dark_theme", True),
        ("dark", "", "embed_options=light_theme", False),
    ],
    ids=["a dark link on a light system", "a plain link on a dark system"],
)
def test_a_link_opens_in_its_own_theme_whatever_the_machine_prefers(
    browser, server_url, ui, system, query, reloaded_with, dark
):
    """A typed ``?theme=dark`` reloads once into the dark page; a machine set to dark still opens
    a link without ``theme`` light, as its sender saw it."""
    context = browser.new_context(viewport={"width": 1024, "height": 768}, color_scheme=system)
    watch = ui.PageWatch(context.new_page(), server_url)
    try:
        watch.page.goto(f"{server_url}/{query}", wait_until="domcontentloaded")
        watch.page.wait_for_url(re.compile(reloaded_with), timeout=60_000)
        _settle(watch)
        assert (_page_luminance(watch) < 60) is dark
        assert all((_luminance(p) < 60) is dark for p in watch.page.evaluate(PAPERS))
        assert _besides_reloads(watch) == []
    finally:
        context.close()


def test_the_app_menu_offers_no_second_theme_switch(app_page, ui):
    page = app_page.page
    ui.open_app(app_page)
    page.get_by_test_id("stMainMenu").click()
    page.get_by_test_id("stMainMenuItem-print").wait_for()
    items = page.locator("[data-testid^='stMainMenuItem-theme-']").all()
    shown = [el.get_attribute("data-testid") for el in items if el.is_visible()]
    assert shown == []


def test_projector_mode_switched_on_enlarges_what_is_already_drawn(app_page, ui):
    """On the Closed form view: metrics, the table and formulas grow without a reload."""
    watch, page = app_page, app_page.page
    ui.open_app(watch, "?view=Closed+form", charts=False)
    measure = """() => ({
        metric: parseFloat(getComputedStyle(document.querySelector('[data-testid=stMetricValue]')).fontSize),
        formula: parseFloat(getComputedStyle(document.querySelector('.katex')).fontSize),
        table: parseFloat(getComputedStyle(document.querySelector('[data-testid="stTable"] td')).fontSize),
    })"""
    before = page.evaluate(measure)
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    ui.control(page, "big").locator("label").click()
    watch.wait_idle()
    with contextlib.suppress(PlaywrightTimeout):  # the view is drawn anew (a table sizes its type then)
        page.wait_for_function(f"h => ({measure})().table !== h", arg=before["table"], timeout=10_000)
    after = page.evaluate(measure)
    assert all(after[k] > before[k] for k in before), (before, after)
    assert "big=true" in page.url
    assert watch.problems == []
