"""Prefect's ephemeral API server, started the moment a command knows it will run a flow.

Left to itself, Prefect starts its ephemeral API when the first flow runs: the
command first imports Prefect's server package in its own process (3-5 s), then
spawns the server, which imports it again and migrates its database (another
8-12 s on two cores), while the command waits.  Started here instead, at the top
of `township run` / `rerun` / `reprocess` / `backfill`, the server boots on the
other core while the command reads its config, starts the demo sites, checks the
warehouse and imports the flow; the command then points PREFECT_API_URL at it and
never imports the server package at all.  It is the same server Prefect would
start (uvicorn over `prefect.server.api.server:create_app`, UI off, marked
ephemeral), and it is stopped when the command ends.

With PREFECT_API_URL already set (a real Prefect server, or the test harness)
nothing is started.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path


def _startup_timeout_s() -> float:
    return float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180"))


class EphemeralApi:
    def __init__(self, home: Path) -> None:
        self.log_path = home / "prefect-api.log"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        spec = importlib.util.find_spec("prefect")  # finds the package without importing it
        app_dir = Path(spec.origin).parent.parent if spec and spec.origin else Path.cwd()
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--app-dir", str(app_dir), "--factory",
                 "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
                 "--log-level", "error", "--lifespan", "on"],
                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        self.ready = False

    def wait_ready(self, timeout_s: float | None = None) -> str | None:
        """None once the API answers its health check, else why it did not (one line)."""
        timeout_s = _startup_timeout_s() if timeout_s is None else timeout_s
        deadline = time.monotonic() + timeout_s
        while not self.ready:
            if self.process.poll() is not None:
                return f"Prefect's API server exited with code {self.process.returncode} (see {self.log_path})"
            if time.monotonic() > deadline:
                return f"Prefect's API server did not answer within {timeout_s:.0f} s (see {self.log_path})"
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                    self.ready = response.status == 200
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        return None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_current: EphemeralApi | None = None


@contextlib.contextmanager
def started(home: Path) -> Iterator[None]:
    """Start the ephemeral API now (unless PREFECT_API_URL names one) and stop it on the way out."""
    global _current
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    api = EphemeralApi(home)
    _current = api
    os.environ["PREFECT_API_URL"] = api.url
    try:
        yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        _current = None
        api.stop()


def wait_ready(on_error: Callable[[str], BaseException]) -> None:
    """Block until the API `started` launched answers; a server that cannot start is a one-line error."""
    if _current is not None and (problem := _current.wait_ready()) is not None:
        raise on_error(problem)
