"""Real-browser fixtures: `streamlit run` on 127.0.0.1 and Debian's Chromium via Playwright.

Outside CI a missing browser skips these tests; under CI=true it fails them,
so a green CI always means the app was really drawn in a browser.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--headless",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _missing(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server_url():
    port = _free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "server.log", "w")  # a file, not a pipe: a full pipe would stall the server
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited early:\n{(ARTIFACTS / 'server.log').read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.terminate()
        pytest.fail("streamlit did not answer /_stcore/health within 60 s")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        _missing("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """A page plus everything that went wrong on it: console errors, page errors, failed requests."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"requestfailed: {r.url}"))
        page.on("request", self._check_local)

    def _check_local(self, request):
        url = request.url
        if not (url.startswith(self.base_url) or url.startswith(("data:", "blob:", "about:"))):
            self.problems.append(f"outside request: {url}")

    def wait_idle(self, timeout: float = 30_000) -> None:
        """Wait until the app is connected, its script finished and nothing is loading."""
        self.page.wait_for_timeout(300)
        app = "[data-testid='stApp']"
        self.page.wait_for_selector(f"{app}[data-test-connection-state='CONNECTED']", timeout=timeout)
        self.page.wait_for_selector(f"{app}[data-test-script-state='notRunning']", timeout=timeout)
        self.page.wait_for_function(
            "document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0", timeout=timeout
        )

    def chart_data(self) -> list[str]:
        """A fingerprint of what each drawn plotly chart holds (plotly keeps it on the div)."""
        return self.page.evaluate(
            "() => [...document.querySelectorAll('.js-plotly-plot')].map(g => JSON.stringify((g.data || [])"
            ".map(t => [t.type, t.x && Array.from(t.x).slice(-3), t.y && Array.from(t.y).slice(-3)])))"
        )

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def app_page(browser, server_url):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    watch = PageWatch(page, server_url)
    yield watch
    context.close()


# Helpers shared by the browser suites (added for issue 7; the fixtures above are unchanged).

CHART = ".js-plotly-plot .main-svg"


def open_app(watch: PageWatch, query: str = "", *, charts: bool = True) -> None:
    """Open the app (optionally with a ``?query``) and wait until it has drawn."""
    watch.page.goto(watch.base_url + "/" + query, wait_until="domcontentloaded")
    watch.wait_idle(timeout=60_000)
    if charts:
        watch.page.wait_for_selector(CHART, timeout=30_000)


def control(page, key: str):
    """The element container of the widget with ``key`` (Streamlit adds the class ``st-key-<key>``)."""
    return page.locator(f".st-key-{key}")


def nudge_slider(watch: PageWatch, key: str, presses: int = 1, direction: str = "ArrowRight") -> None:
    """Move a (select) slider by keyboard, as a user without a mouse would, then wait for the rerun."""
    handle = control(watch.page, key).get_by_role("slider")
    handle.focus()
    for _ in range(presses):
        watch.page.keyboard.press(direction)
    watch.wait_idle()


def choose(watch: PageWatch, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox with ``key`` (open its list, click the option)."""
    box = control(watch.page, key)
    box.get_by_role("button", name="Open").click()
    watch.page.get_by_role("option", name=option, exact=True).click()
    watch.wait_idle()


def selected(page, key: str) -> str:
    """The value a selectbox shows (its combobox input)."""
    return control(page, key).get_by_role("combobox").input_value()


# A digest of everything each plotly chart draws: trace type, name and coordinates, whether
# plain lists or plotly 7's base64 typed arrays ({dtype, bdata}), hashed (FNV-1a) per chart.
FINGERPRINT_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(g => {
    const text = JSON.stringify((g.data || []).map(t => [t.type, t.name, t.x, t.y, t.z]));
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193); }
    return (h >>> 0).toString(16) + ':' + text.length;
})"""


def fingerprint(watch: PageWatch) -> list[str]:
    """What every drawn chart holds, one short digest per chart (unlike ``chart_data``, sees bdata)."""
    return watch.page.evaluate(FINGERPRINT_JS)


def wait_charts_changed(watch: PageWatch, before: list[str], timeout: float = 20_000) -> list[str]:
    """The ``fingerprint`` once it differs from ``before`` (or, after ``timeout``, as it is)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        watch.page.wait_for_function(
            f"before => JSON.stringify(({FINGERPRINT_JS})()) !== before",
            arg=json.dumps(before, separators=(",", ":")),
            timeout=timeout,
        )
    except PlaywrightTimeout:
        pass  # the caller asserts on the fingerprint it gets back
    watch.wait_idle()
    return fingerprint(watch)


def script_state(page) -> str:
    return page.get_attribute("[data-testid='stApp']", "data-test-script-state") or ""


@pytest.fixture
def new_page(browser, server_url):
    """A factory of further pages, each in its own fresh context (another student's machine)."""
    contexts = []

    def make() -> PageWatch:
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        contexts.append(context)
        return PageWatch(context.new_page(), server_url)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def ui():
    """The helpers above for test modules: ``from conftest import`` would find tests/dashboard's
    conftest when both folders run in one session (both are imported as ``conftest``)."""
    return SimpleNamespace(
        CHART=CHART,
        open_app=open_app,
        control=control,
        nudge_slider=nudge_slider,
        choose=choose,
        selected=selected,
        fingerprint=fingerprint,
        wait_charts_changed=wait_charts_changed,
        script_state=script_state,
        PageWatch=PageWatch,  # for pages against another server (tests/browser/test_balancer.py)
        missing=_missing,
        ARTIFACTS=ARTIFACTS,
    )
