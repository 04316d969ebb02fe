"""Key press → chart redrawn, in headless Chromium: the app's chart component against ``st.plotly_chart``.

Budgets (issue 10), default settings: median ≤ 300 ms and p95 ≤ 600 ms from a key press
on a sidebar slider to the chart holding the new data; at N = 1e5 a median ≤ 500 ms; the
bytes the browser receives for a learning-rate change ≤ 20 % of what ``st.plotly_chart``
shipped. "Before" is the app as it was before the component (git ``BEFORE``, checked out
into a temporary folder), measured in the same run on the same machine.

For each app, a real ``streamlit run`` on 127.0.0.1 and one Chromium page: focus a slider,
press an arrow key, and time until a digest of every plotly div's data differs (polled on
each animation frame); the websocket frames received in that interval are the bytes.

Run: python3 bench/bench_chart.py [--presses 15] [--before REF]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "39f131e"  # the last commit that drew every chart with st.plotly_chart
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--headless", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
DIGEST_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(g => {
    const text = JSON.stringify((g.data || []).map(t => [t.type, t.name, t.x, t.y, t.z]));
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193); }
    return (h >>> 0).toString(16) + ':' + text.length;
}).join('|')"""
# Redrawn: as many plots as before, every one holding data, and not the data they held.
REDRAWN_JS = f"""before => {{
    const now = ({DIGEST_JS})();
    return now !== before && now.split('|').length === before.split('|').length && !now.includes(':2|');
}}"""
CASES = (  # (label, query, slider key)
    ("learning rate, defaults", "", "r1_lr"),
    ("noise, defaults", "", "noise"),
    ("learning rate, N = 1e5", "?n=100000", "r1_lr"),
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _server(root: Path):
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(root / "dashboard" / "app.py"),
           "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]  # fmt: skip
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextlib.contextmanager
def _checkout(ref: str):
    """The project at ``ref`` in a temporary folder (git archive: no work tree is touched)."""
    with tempfile.TemporaryDirectory() as tmp:
        tar = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
            archive.extractall(tmp, filter="data")
        yield Path(tmp)


def _idle(page) -> None:
    page.wait_for_timeout(200)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_timeout(400)


def _measure(url: str, query: str, key: str, presses: int, browser) -> tuple[list[float], list[int]]:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    received = [0]

    def on_socket(ws):
        ws.on("framereceived", lambda frame: received.__setitem__(0, received[0] + len(frame)))

    page.on("websocket", on_socket)
    page.goto(url + "/" + query, wait_until="domcontentloaded")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
    _idle(page)
    page.wait_for_timeout(1500)
    handle = page.locator(f".st-key-{key}").get_by_role("slider")
    times, sizes = [], []
    for _ in range(presses):
        # Always forward: a value seen two reruns ago would come from Streamlit's message cache.
        before = page.evaluate(DIGEST_JS)
        handle.focus()
        received[0] = 0
        start = time.perf_counter()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(REDRAWN_JS, arg=before, polling="raf", timeout=60_000)
        times.append(time.perf_counter() - start)
        _idle(page)
        sizes.append(received[0])
    page.close()
    return times, sizes


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=15)
    parser.add_argument("--before", default=BEFORE, help="git ref of the st.plotly_chart app")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as pw, _checkout(args.before) as old:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, root in (("before", old), ("after", ROOT)):
            with _server(root) as url:
                for label, query, key in CASES:
                    results[name, label] = _measure(url, query, key, args.presses, browser)
        browser.close()
    print(f"key press → chart redrawn, headless Chromium, {args.presses} presses per case (ms; KB received)")
    print(f"{'case':<26}{'':>7}{'median':>9}{'p95':>9}{'KB/press':>10}")
    for label, _, _ in CASES:
        for name in ("before", "after"):
            times, sizes = results[name, label]
            ms = [t * 1e3 for t in times]
            kb = statistics.median(sizes) / 1e3
            print(f"{label:<26}{name:>7}{statistics.median(ms):>9.0f}{_p95(ms):>9.0f}{kb:>10.1f}")
    lr_before = statistics.median(results["before", CASES[0][0]][1])
    lr_after = statistics.median(results["after", CASES[0][0]][1])
    default_ms = [t * 1e3 for t in results["after", CASES[0][0]][0]]
    big_ms = [t * 1e3 for t in results["after", CASES[2][0]][0]]
    print()
    print(f"budget: defaults median ≤ 300 ms, p95 ≤ 600 ms → {statistics.median(default_ms):.0f}, "
          f"{_p95(default_ms):.0f}")  # fmt: skip
    print(f"budget: N = 1e5 median ≤ 500 ms → {statistics.median(big_ms):.0f}")
    print(f"budget: bytes for a learning-rate change ≤ 20 % of before → {100 * lr_after / lr_before:.0f} %")


if __name__ == "__main__":
    main()
