"""`docker stop` sends SIGTERM: `serve` then stops its embedded PostgreSQL as Ctrl-C does."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.embedded.processes import servers_of, stop_servers_of
from tests.ops.serving import free_port, wait_ready


@pytest.fixture
def folder() -> Iterator[Path]:
    made = Path(tempfile.mkdtemp(prefix="cdo-sigterm-"))
    try:
        yield made
    finally:
        stop_servers_of(made)
        shutil.rmtree(made, ignore_errors=True)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_stops_the_embedded_server(folder: Path, stop: signal.Signals) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env["EMBEDDED_DATA_DIR"] = str(folder / "pgdata")
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port)]
    log = folder / "serve.log"
    with (
        log.open("wb") as out,
        subprocess.Popen(command, env=env, cwd=folder, stdout=out, stderr=out) as process,
    ):
        try:
            wait_ready(f"http://127.0.0.1:{port}", process, log)
            assert len(servers_of(folder)) >= 1  # the postmaster of this data folder
            process.send_signal(stop)
            process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
    assert servers_of(folder) == []
    assert not (folder / "pgdata" / "postmaster.pid").exists()
