"""Serve a large class: W Streamlit workers behind HAProxy, one command.

    python3 -m dashboard.serve --workers auto --address 0.0.0.0 --port 8501

One Python process answers on about one core, whatever the machine has, so a big
class needs several. This starts W ``streamlit run dashboard/app.py`` workers on
local ports (127.0.0.1 only) and Debian's ``haproxy`` in front of them on the
address and port you give, then watches them:

- **Affinity**: a cookie (``SRV``) keeps each student on one worker, where their
  session, upload and downloads live (Streamlit keeps those in the process).
- **Failover**: a worker is health-checked on ``/_stcore/health``; when one dies its
  students' pages reconnect, HAProxy redispatches them to a live worker, and the
  page rebuilds from its URL, which holds every setting. An uploaded file lived in
  the dead process: the page asks for it again.
- **Restart**: a worker that exits is started again on its port (backing off if it
  keeps failing). If HAProxy itself exits, everything stops.
- **Stop**: Ctrl-C (SIGINT), SIGTERM or SIGHUP stops HAProxy, then the workers, and
  waits for them; on Linux a worker also dies if this process is killed outright.

Every worker reads the project's ``.streamlit/config.toml`` (it runs in the project
root: XSRF protection, upload limit, postScriptGC off) and gets the same
``server.cookieSecret``, generated per launch and passed in the environment, so a
cookie one worker signs (Streamlit's session and login cookies) is valid in all of
them after a redispatch. (The XSRF cookie itself is, in Streamlit 1.67, an unsigned
double-submit token that any worker accepts; uploads after a failover were checked.)
Only the standard library is used here; HAProxy's config is written to a temporary
directory that is removed on exit.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
HAPROXY = "/usr/sbin/haproxy"  # Debian's package; found on PATH first
AFFINITY_COOKIE = "SRV"
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"  # Streamlit reads server.cookieSecret from it
MAX_CONNECTIONS = 2000  # per student one websocket plus a few short HTTP requests
START_TIMEOUT_S = 90.0  # a cold worker imports numpy, plotly, numba: ~3 s alone, longer on a busy machine
STOP_TIMEOUT_S = 10.0
BACKOFF_MAX_S = 30.0
STABLE_S = 30.0  # a worker that ran this long before exiting is restarted at once


def cores() -> int:
    """CPU cores this process may use (the affinity mask on Linux, e.g. under taskset or a container)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _whole_in(text: str, low: int, high: int) -> int | None:
    """``text`` as a whole number within [low, high], else None."""
    try:
        value = int(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def _workers(text: str) -> int:
    if text == "auto":
        return cores()
    count = _whole_in(text, 1, 64)
    if count is None:
        raise argparse.ArgumentTypeError(f"--workers must be 'auto' or a whole number 1..64, not {text!r}")
    return count


def _address(text: str) -> str:
    if text == "localhost":
        return "127.0.0.1"
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--address must be an IP address (0.0.0.0 for every interface, 127.0.0.1 for this "
            f"machine only), not {text!r}"
        ) from None


def _port(text: str) -> int:
    port = _whole_in(text, 1, 65535)
    if port is None:
        raise argparse.ArgumentTypeError(f"--port must be a whole number 1..65535, not {text!r}")
    return port


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python3 -m dashboard.serve",
        description="Serve the dashboard to a large class: W Streamlit workers behind HAProxy.",
    )
    parser.add_argument(
        "--workers",
        type=_workers,
        default="auto",
        help="number of Streamlit processes, or 'auto' for one per core (default: auto)",
    )
    parser.add_argument(
        "--address",
        type=_address,
        default="127.0.0.1",
        help="address students connect to; 0.0.0.0 = every interface, only on a network you trust "
        "(default: 127.0.0.1, this machine only)",
    )
    parser.add_argument("--port", type=_port, default=8501, help="port students connect to (default: 8501)")
    parser.add_argument("--haproxy", default=None, help="the haproxy binary (default: haproxy on PATH)")
    return parser.parse_args(argv)


def find_haproxy(explicit: str | None = None) -> str | None:
    """The haproxy binary to run: ``explicit``, else on PATH, else Debian's path; None if none exists."""
    for candidate in (explicit,) if explicit else (shutil.which("haproxy"), HAPROXY):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def worker_names(count: int) -> list[str]:
    """The workers' names, which are also their affinity-cookie values: w1, w2, ..."""
    return [f"w{i}" for i in range(1, count + 1)]


def haproxy_config(address: str, port: int, worker_ports: Sequence[int]) -> str:
    """HAProxy's configuration: ``address:port`` in front of one local worker per port."""
    bind = f"ipv6@{address}:{port}" if ":" in address else f"{address}:{port}"
    servers = "\n".join(
        f"    server {name} 127.0.0.1:{p} check cookie {name}"
        for name, p in zip(worker_names(len(worker_ports)), worker_ports, strict=True)
    )
    return f"""\
# Written by dashboard/serve.py for one launch; edits are lost.
global
    maxconn {MAX_CONNECTIONS}
    nbthread 1                  # a lecture's traffic is light for HAProxy; the cores go to the workers

defaults
    mode http
    timeout connect 2s          # local workers answer in microseconds; a dead one is given up quickly
    timeout http-request 15s    # the whole request head: a slow or stuck client cannot hold a slot
    timeout client 60s          # plain HTTP: page, assets, a 5 MB upload on slow Wi-Fi
    timeout server 60s
    timeout tunnel 2h           # an open websocket: a 90-minute lecture plus margin, even with no traffic
    timeout client-fin 30s      # a half-closed websocket is not kept for the tunnel timeout
    timeout server-fin 30s
    timeout check 5s            # a busy worker still answers its health check within this
    retries 3
    retry-on conn-failure empty-response  # also a request caught by a worker as it died (else a 502)
    option redispatch 1         # every retry may go to another worker: a dead one's students move on

frontend students
    bind {bind}
    maxconn {MAX_CONNECTIONS}
    default_backend workers

backend workers
    balance leastconn           # websockets live for the lecture: count open ones, not requests
    cookie {AFFINITY_COOKIE} insert indirect nocache httponly attr SameSite=Lax
    option httpchk GET /_stcore/health
    http-check expect string ok
    default-server inter 2s fastinter 500ms downinter 1s fall 3 rise 2
{servers}
"""


def worker_command(port: int) -> list[str]:
    """``streamlit run`` for one worker on 127.0.0.1:port; the rest comes from .streamlit/config.toml."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.headless", "true",
    ]  # fmt: skip


def worker_env(cookie_secret: str) -> dict[str, str]:
    """The environment of every worker: ours plus one shared cookie secret (not on the command line,
    where ``ps`` would show it to every user of the machine)."""
    return {**os.environ, COOKIE_SECRET_ENV: cookie_secret}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the child gets SIGTERM when this process dies, even by SIGKILL (no orphans)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.read().decode().strip() == "ok"
    except OSError:
        return False


def _say(text: str) -> None:
    print(text, flush=True)


@dataclass
class Worker:
    name: str
    port: int
    log: Path
    proc: subprocess.Popen | None = None
    started: float = 0.0
    backoff: float = 0.5
    restart_at: float | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Cluster:
    """The workers and HAProxy of one launch: start, watch (restart), stop."""

    def __init__(self, workers: int, address: str, port: int, haproxy: str):
        self.address, self.port, self.haproxy_bin = address, port, haproxy
        self.tmp = Path(tempfile.mkdtemp(prefix="lsq-lab-serve-"))
        self.secret = secrets.token_hex(32)
        self.workers = [Worker(n, free_port(), self.tmp / f"{n}.log") for n in worker_names(workers)]
        self.haproxy: subprocess.Popen | None = None
        self.stopping = False

    def _spawn(self, worker: Worker) -> None:
        with open(worker.log, "ab") as log:  # a file, not a pipe: a full pipe would stall the worker
            worker.proc = subprocess.Popen(
                worker_command(worker.port),
                cwd=ROOT,  # the project's .streamlit/config.toml applies
                env=worker_env(self.secret),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        worker.started = time.monotonic()
        worker.restart_at = None
        _say(f"worker {worker.name} pid {worker.proc.pid} on 127.0.0.1:{worker.port}")

    def start(self) -> None:
        for worker in self.workers:
            self._spawn(worker)
        deadline = time.monotonic() + START_TIMEOUT_S
        waiting = list(self.workers)
        while waiting:
            if self.stopping:
                return
            for worker in list(waiting):
                if worker.proc.poll() is not None:
                    raise RuntimeError(f"worker {worker.name} exited at start:\n{self._tail(worker)}")
                if healthy(worker.url, timeout=1.0):
                    waiting.remove(worker)
            if time.monotonic() > deadline:
                names = ", ".join(w.name for w in waiting)
                raise RuntimeError(f"{names} did not answer /_stcore/health in {START_TIMEOUT_S:.0f} s")
            time.sleep(0.2)
        config = self.tmp / "haproxy.cfg"
        config.write_text(haproxy_config(self.address, self.port, [w.port for w in self.workers]))
        check = subprocess.run(
            [self.haproxy_bin, "-c", "-q", "-f", str(config)], capture_output=True, text=True
        )
        if check.returncode != 0:
            raise RuntimeError(f"haproxy rejected its configuration:\n{check.stdout}{check.stderr}")
        # -db: stay in the foreground; its notices (a worker DOWN or UP) go to our stderr.
        self.haproxy = subprocess.Popen(
            [self.haproxy_bin, "-db", "-f", str(config)],
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        host = "<this machine's address>" if self.address in ("0.0.0.0", "::") else self.address
        host = f"[{host}]" if ":" in host else host
        # Wait until it listens, so "serving" is true when printed.
        while not healthy(f"http://{self._local_host()}:{self.port}"):
            if self.haproxy.poll() is not None:
                raise RuntimeError(f"haproxy exited at start (is port {self.port} in use?)")
            if time.monotonic() > deadline:
                raise RuntimeError(f"haproxy did not answer on port {self.port}")
            time.sleep(0.1)
        _say(
            f"serving http://{host}:{self.port} with {len(self.workers)} workers behind HAProxy "
            f"(logs in {self.tmp}); Ctrl-C stops"
        )

    def _local_host(self) -> str:
        if self.address in ("0.0.0.0", "::"):
            return "127.0.0.1" if self.address == "0.0.0.0" else "[::1]"
        return f"[{self.address}]" if ":" in self.address else self.address

    def _tail(self, worker: Worker, lines: int = 15) -> str:
        try:
            text = worker.log.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join("    " + line for line in text[-lines:])

    def watch_once(self) -> bool:
        """One look at every process: restart workers that exited. False once HAProxy has exited."""
        now = time.monotonic()
        for worker in self.workers:
            if worker.restart_at is not None:
                if now >= worker.restart_at and not self.stopping:
                    self._spawn(worker)
                continue
            code = worker.proc.poll()
            if code is None:
                continue
            ran = now - worker.started
            worker.backoff = 0.5 if ran >= STABLE_S else min(2 * worker.backoff, BACKOFF_MAX_S)
            worker.restart_at = now + worker.backoff
            print(
                f"worker {worker.name} (pid {worker.proc.pid}) exited with code {code} after {ran:.0f} s; "
                f"restarting in {worker.backoff:.1f} s. Its last lines:\n{self._tail(worker)}",
                file=sys.stderr,
                flush=True,
            )
        return self.haproxy is None or self.haproxy.poll() is None

    def run(self) -> int:
        while not self.stopping:
            if not self.watch_once():
                print(f"haproxy exited with code {self.haproxy.returncode}; stopping", file=sys.stderr)
                return 1
            time.sleep(0.5)
        return 0

    def stop(self) -> None:
        """HAProxy first (no new connections), then every worker; SIGKILL whatever outlives the timeout."""
        self.stopping = True
        procs = [p for p in [self.haproxy, *(w.proc for w in self.workers)] if p is not None]
        if self.haproxy is not None and self.haproxy.poll() is None:
            self.haproxy.terminate()
        for worker in self.workers:
            if worker.proc is not None and worker.proc.poll() is None:
                worker.proc.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:  # a port already taken is told before any worker starts
        with socket.socket(socket.AF_INET6 if ":" in args.address else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((args.address, args.port))
    except OSError as exc:
        print(f"cannot serve on {args.address} port {args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    haproxy = find_haproxy(args.haproxy)
    if haproxy is None:
        print(
            "haproxy is not installed (Debian/Ubuntu: sudo apt-get install haproxy; macOS: brew install "
            "haproxy). For a small class one process is enough: python3 -m streamlit run dashboard/app.py",
            file=sys.stderr,
        )
        return 2
    cluster = Cluster(args.workers, args.address, args.port, haproxy)

    def on_signal(signum, frame):
        cluster.stopping = True

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    try:
        cluster.start()
        code = cluster.run()
    except RuntimeError as exc:
        print(f"cannot serve: {exc}", file=sys.stderr)
        code = 1
    finally:
        cluster.stop()
    _say("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())
