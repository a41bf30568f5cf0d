"""The embedded server survives a killed service: the next start reuses or restarts it."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from service.embedded_db import EmbeddedPostgres
from tests.embedded.processes import stop_servers_of

START_AND_DIE = """
import os, sys
from pathlib import Path
from service.embedded_db import EmbeddedPostgres
server = EmbeddedPostgres(Path(sys.argv[1]))
print(server.start(), flush=True)
os._exit(0)  # a crash: no cleanup runs
"""


def _query_one(url: str) -> int:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute("SELECT 1").fetchone()
    assert row is not None
    return int(row[0])


def _postmaster_pid(data_dir: Path) -> int:
    return int((data_dir / "postmaster.pid").read_text().splitlines()[0])


@pytest.fixture
def data_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="cdo-embedded-"))
    try:
        yield folder / "pgdata"
    finally:
        stop_servers_of(folder)
        shutil.rmtree(folder, ignore_errors=True)


def test_server_left_by_a_killed_process_is_reused_then_stopped(data_dir: Path) -> None:
    subprocess.run([sys.executable, "-c", START_AND_DIE, str(data_dir)], check=True, timeout=120)
    orphan_pid = _postmaster_pid(data_dir)
    server = EmbeddedPostgres(data_dir, cleanup="stop")
    url = server.start()
    assert _postmaster_pid(data_dir) == orphan_pid  # reused, not a second server
    assert _query_one(url) == 1
    server.stop()
    deadline = time.monotonic() + 20
    while (data_dir / "postmaster.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not (data_dir / "postmaster.pid").exists()


def test_server_killed_hard_restarts_cleanly(data_dir: Path) -> None:
    subprocess.run([sys.executable, "-c", START_AND_DIE, str(data_dir)], check=True, timeout=120)
    os.kill(_postmaster_pid(data_dir), signal.SIGKILL)  # leaves a stale postmaster.pid
    time.sleep(1)
    server = EmbeddedPostgres(data_dir, cleanup="delete")
    try:
        assert _query_one(server.start()) == 1
    finally:
        server.stop()
