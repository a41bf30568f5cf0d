"""Start-up pieces the HTTP benches share: free ports, servers that answer, their CPU time.

Used by throughput.py, bench_graphql.py, bench_throughput.py and bench_lighthouse.py.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable

import httpx
import psutil


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(
    process: subprocess.Popen[bytes], ready: Callable[[], bool], what: str, seconds: float = 60
) -> None:
    """Poll `ready()` until it is true; stop the process and fail if it exits or times out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode}")
        time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"{what} did not start in {seconds:g} s")


def serve_uvicorn(
    url: str, workers: int, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """The application on database `url` under `uvicorn --workers N` on a free port, once
    every worker answers; `env` adds settings."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "service.main:create_app"]
    command += ["--workers", str(workers), "--port", str(port), "--log-level", "warning"]
    server = subprocess.Popen(
        [*command, "--no-access-log"], env=os.environ | {"DATABASE_URL": url} | (env or {})
    )
    base = f"http://127.0.0.1:{port}"
    wait_until(
        server,
        lambda: httpx.get(f"{base}/healthz", timeout=1).status_code == 200,
        "uvicorn",
        seconds=120,
    )
    time.sleep(2)  # every worker up and listening for revocations
    return server, base


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server started here and wait for it."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def cpu_seconds(process: subprocess.Popen[bytes]) -> float:
    """User + system CPU seconds of a server so far: the process and all its children."""
    parent = psutil.Process(process.pid)
    total = 0.0
    for each in (parent, *parent.children(recursive=True)):
        try:
            times = each.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total
