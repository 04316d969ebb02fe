"""``python3 -m dashboard.serve``: arguments, the HAProxy config it writes, and the real thing.

The config is checked as text (what each line promises) and by ``haproxy -c``; the
last tests start two workers behind HAProxy over HTTP only (no browser): affinity,
redispatch after a worker is killed, its restart, and a clean stop with no orphans.
The browser side (pages, an upload, failover with the same numbers) is in
tests/browser/test_balancer.py.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard import serve

ROOT = Path(__file__).resolve().parents[2]


def _directive(config: str, name: str) -> list[str]:
    """The values of every ``name ...`` line of the config, comments dropped."""
    lines = (line.split("#", 1)[0].strip() for line in config.splitlines())
    return [line[len(name) :].strip() for line in lines if line.startswith(name + " ")]


def _seconds(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(ms|s|m|h|d)?", value).groups()
    return int(number) * {"ms": 0.001, "s": 1, None: 0.001, "m": 60, "h": 3600, "d": 86400}[unit]


# ------------------------------------------------------------------------------------ arguments


def test_defaults_serve_this_machine_only_with_one_worker_per_core():
    args = serve.parse_args([])
    assert args.address == "127.0.0.1" and args.port == 8501
    assert args.workers == serve.cores() >= 1


def test_the_lecture_command_parses():
    args = serve.parse_args(["--workers", "auto", "--address", "0.0.0.0", "--port", "8501"])
    assert (args.workers, args.address, args.port) == (serve.cores(), "0.0.0.0", 8501)
    assert serve.parse_args(["--workers", "3", "--address", "localhost"]).workers == 3
    assert serve.parse_args(["--address", "localhost"]).address == "127.0.0.1"
    assert serve.parse_args(["--address", "::"]).address == "::"


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--workers", "0"], "--workers"),
        (["--workers", "many"], "--workers"),
        (["--workers", "65"], "--workers"),
        (["--address", "lecture-hall"], "--address"),
        (["--address", "1.2.3"], "--address"),
        (["--port", "0"], "--port"),
        (["--port", "70000"], "--port"),
        (["--port", "http"], "--port"),
    ],
)
def test_bad_arguments_are_refused_naming_the_option(argv, named, capsys):
    with pytest.raises(SystemExit) as exit_info:
        serve.parse_args(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert named in err and repr(argv[1]) in err, err


# ------------------------------------------------------------------------------- HAProxy config


def test_config_puts_the_public_address_in_front_of_local_workers():
    config = serve.haproxy_config("0.0.0.0", 8501, [40001, 40002, 40003])
    assert _directive(config, "bind") == ["0.0.0.0:8501"]
    servers = _directive(config, "server")
    assert servers == [
        f"w{i} 127.0.0.1:{port} check cookie w{i}" for i, port in enumerate((40001, 40002, 40003), start=1)
    ]


def test_config_keeps_students_on_their_worker_and_moves_them_when_it_dies():
    config = serve.haproxy_config("127.0.0.1", 8501, [40001, 40002])
    cookie = _directive(config, "cookie")[0].split()
    assert cookie[:4] == [serve.AFFINITY_COOKIE, "insert", "indirect", "nocache"]
    assert _directive(config, "option httpchk") == ["GET /_stcore/health"]
    assert _directive(config, "http-check expect") == ["string ok"]  # what /_stcore/health answers
    assert _directive(config, "option redispatch")  # a dead worker's students go to a live one
    assert int(_directive(config, "retries")[0]) >= 1
    assert "empty-response" in _directive(config, "retry-on")[0].split()  # caught as its worker died
    assert _directive(config, "balance") == ["leastconn"]


def test_config_timeouts_suit_a_lecture():
    config = serve.haproxy_config("127.0.0.1", 8501, [40001])
    timeouts = dict(v.split() for v in _directive(config, "timeout"))
    assert _seconds(timeouts["tunnel"]) >= 90 * 60  # an open websocket outlives the lecture
    assert _seconds(timeouts["connect"]) <= 5  # a dead local worker is given up fast
    for name in ("client", "server", "http-request", "client-fin", "check"):
        assert _seconds(timeouts[name]) > 0, name


def test_config_binds_ipv6_and_only_what_was_asked():
    config = serve.haproxy_config("::", 8601, [40001])
    assert _directive(config, "bind") == ["ipv6@:::8601"]
    assert "stats" not in config  # no stats page or socket exposed beside the app


def _haproxy_or_skip() -> str:
    binary = serve.find_haproxy()
    if binary is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("haproxy is not installed (.ci/run installs it)")
        pytest.skip("haproxy is not installed (apt-get install haproxy)")
    return binary


@pytest.mark.parametrize("address", ["127.0.0.1", "0.0.0.0", "::"])
def test_haproxy_accepts_the_config(tmp_path, address):
    binary = _haproxy_or_skip()
    path = tmp_path / "haproxy.cfg"
    path.write_text(serve.haproxy_config(address, 8501, [40001, 40002]))
    check = subprocess.run([binary, "-c", "-f", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "WARNING" not in check.stdout + check.stderr


# ------------------------------------------------------------------------------------- workers


def test_workers_bind_localhost_and_share_one_secret_not_on_the_command_line():
    command = serve.worker_command(40001)
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[command.index("--server.port") + 1] == "40001"
    assert command[command.index("--server.headless") + 1] == "true"
    cluster = serve.Cluster(3, "127.0.0.1", 8501, "haproxy")
    try:
        assert len(cluster.secret) >= 32
        assert not any(cluster.secret in part for part in command)
        assert serve.worker_env(cluster.secret)[serve.COOKIE_SECRET_ENV] == cluster.secret
        assert [w.name for w in cluster.workers] == ["w1", "w2", "w3"]
        assert len({w.port for w in cluster.workers}) == 3
        other = serve.Cluster(1, "127.0.0.1", 8501, "haproxy")
        assert other.secret != cluster.secret  # one secret per launch
        other.stop()
    finally:
        cluster.stop()
    assert not cluster.tmp.exists()


def test_without_haproxy_the_command_says_how_to_get_it(capsys, tmp_path):
    argv = ["--workers", "2", "--port", str(serve.free_port()), "--haproxy", str(tmp_path / "no-haproxy")]
    assert serve.main(argv) == 2
    err = capsys.readouterr().err
    assert "apt-get install haproxy" in err and "streamlit run dashboard/app.py" in err


def test_a_port_in_use_is_refused_before_any_worker_starts(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert serve.main(["--workers", "1", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"port {port}" in err and "in use" in err, err


# ---------------------------------------------------------------------- the real thing, over HTTP


def _get(url: str, cookie: str | None = None) -> tuple[int, str | None]:
    """Status and the affinity cookie HAProxy set (None when it set none)."""
    request = urllib.request.Request(url, headers={"Cookie": f"SRV={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith(serve.AFFINITY_COOKIE + "="):
                return response.status, header.split(";")[0].split("=", 1)[1]
        return response.status, None


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"gave up waiting: {what}")


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_two_workers_affinity_redispatch_restart_and_a_clean_ctrl_c(tmp_path):
    _haproxy_or_skip()
    port = serve.free_port()
    log_path = tmp_path / "serve.log"
    with open(log_path, "w") as log:
        # Its own session, so the Ctrl-C below reaches it and its children as a terminal's would.
        proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard.serve", "--workers", "2", "--port", str(port)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/_stcore/health"
    try:
        _wait(lambda: "serving" in log_path.read_text() or proc.poll() is not None, 120, "serving")
        assert proc.poll() is None, log_path.read_text()
        pids = {name: int(pid) for name, pid in re.findall(r"worker (w\d) pid (\d+)", log_path.read_text())}
        assert set(pids) == {"w1", "w2"}
        tmp = Path(re.search(r"logs in (\S+)\)", log_path.read_text()).group(1))
        assert (tmp / "haproxy.cfg").is_file()

        # A new client gets a worker's cookie; with it, it stays there (no new cookie is sent).
        status, first = _get(url)
        assert status == 200 and first in pids
        for name in pids:
            assert _get(url, cookie=name) == (200, None), name

        # Kill w1: its clients are answered by w2 (a new cookie), and w1 comes back.
        os.kill(pids["w1"], signal.SIGKILL)
        _wait(lambda: not _alive(pids["w1"]), 10, "w1 gone")
        assert _get(url, cookie="w1") == (200, "w2")
        restarted = _wait(
            lambda: [int(p) for p in re.findall(r"worker w1 pid (\d+)", log_path.read_text())][1:],
            60,
            "w1 restarted",
        )[0]
        assert restarted != pids["w1"] and _alive(restarted)
        _wait(lambda: _get(url, cookie="w1") == (200, None), 60, "HAProxy sends w1's clients to w1 again")
        children = [int(p) for p in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
        assert len(children) == 3  # two workers and HAProxy

        # Ctrl-C: the terminal sends SIGINT to the whole foreground process group.
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=30) == 0, log_path.read_text()
    finally:
        if proc.poll() is None:  # a failed check above: stop it as a user would, then for sure
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    _wait(lambda: not any(_alive(pid) for pid in children), 10, "every child stopped")
    assert not tmp.exists()
    assert "stopped" in log_path.read_text()
