"""Start `cdo-portfolio serve` as a real process, for tests of what operators run."""

import re
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until /readyz answers 200; fail with the server's log if it exits or stalls."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"serve was not ready within 180 s:\n{log.read_text()}")


@contextmanager
def serving(command: Sequence[str], env: dict[str, str], folder: Path) -> Iterator[str]:
    """Run `command` (a `serve` on a free port, added here) in `folder`; yield its base URL."""
    port = free_port()
    log = folder / "serve.log"
    with (
        log.open("wb") as out,
        subprocess.Popen(
            [*command, "--port", str(port)], env=env, cwd=folder, stdout=out, stderr=out
        ) as process,
    ):
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base, process, log)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def sign_in(base: str, email: str, password: str) -> Iterator[httpx.Client]:
    """A browser-like client signed in through the /login page."""
    with httpx.Client(base_url=base, timeout=30) as browser:
        form = browser.get("/login")
        assert form.status_code == 200, form.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None, form.text
        posted = browser.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": token[1], "next": "/"},
        )
        assert (posted.status_code, posted.headers.get("location")) == (303, "/"), posted.text
        yield browser
