"""Back up and restore the whole database with pg_dump / pg_restore (custom format).

The client tools are picked to suit the server: the system's when their version is at least
the server's, else the ones shipped with the embedded server (PostgreSQL 16 and 18).
"""

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from rich.console import Console
from sqlalchemy.engine import make_url

from service.embedded_db import bundled_tool_dirs
from service.errors import Conflict, DomainError, NotFound
from service.i18n import N_
from service.i18n import gettext as _

TABLES_SQL = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
# Empties the database for `restore --force`; the schema keeps PostgreSQL's default owner.
WIPE_SQL = (
    "DROP SCHEMA public CASCADE; CREATE SCHEMA public AUTHORIZATION pg_database_owner; "
    "GRANT USAGE ON SCHEMA public TO PUBLIC"
)


class BackupFailed(DomainError):
    code = "backup_failed"
    status = 500
    title = N_("Backup or restore failed")


@dataclass(frozen=True)
class Outcome:
    """What a backup or a restore did: the file, its size, the tables, the seconds taken."""

    file: Path
    size: int
    tables: int
    seconds: float


@dataclass(frozen=True)
class Target:
    """A database as the client tools take it: a URL without password, and the password."""

    libpq_url: str
    password: str | None

    @classmethod
    def of(cls, url: str) -> "Target":
        parsed = make_url(url)
        plain = parsed.set(drivername="postgresql", password=None)
        return cls(plain.render_as_string(hide_password=False), parsed.password)

    def environment(self) -> dict[str, str]:
        """The tools' environment: the password goes there, never on a command line."""
        return os.environ | ({"PGPASSWORD": self.password} if self.password else {})

    @contextmanager
    def connect(self) -> Iterator[psycopg.Connection]:
        with psycopg.connect(self.libpq_url, password=self.password, autocommit=True) as conn:
            yield conn


def _version(tool: Path) -> int:
    """The major version of a client tool (`pg_dump (PostgreSQL) 15.18 (Debian ...)` -> 15)."""
    shown = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout
    found = re.search(r"\(PostgreSQL\) (\d+)", shown)
    return int(found[1]) if found else 0


def tools_dir(server_major: int, bundled: Sequence[Path]) -> Path:
    """The folder of the client tools for a server of version `server_major`: the oldest
    of the system's and the bundled ones that is at least as new as the server."""
    system = shutil.which("pg_dump")
    folders = ([Path(system).parent] if system else []) + list(bundled)
    candidates = [
        (_version(folder / "pg_dump"), folder)
        for folder in folders
        if (folder / "pg_dump").exists() and (folder / "pg_restore").exists()
    ]
    usable = sorted(found for found in candidates if found[0] >= server_major)
    if not usable:
        raise BackupFailed(
            _(
                "No pg_dump of version %(major)s or later: install the PostgreSQL %(major)s"
                " client tools."
            )
            % {"major": server_major}
        )
    return usable[0][1]


def _run(command: list[str], target: Target, console: Console, doing: str) -> None:
    """Run a verbose pg_dump/pg_restore, showing its progress; raise BackupFailed on failure."""
    lines: list[str] = []
    with (
        console.status(doing) as status,
        subprocess.Popen(
            command,
            env=target.environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        ) as process,
    ):
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line.rstrip())
            status.update(f"{doing} {line.split(':', 1)[-1].strip()[:70]}")
    if process.returncode != 0:
        errors = [line for line in lines if "error" in line.lower()] or lines[-5:]
        raise BackupFailed("\n".join(errors[-10:]) or _("%(tool)s failed.") % {"tool": command[0]})


def server_major(target: Target) -> int:
    """The major version of the server."""
    with target.connect() as conn:
        row = conn.execute("SHOW server_version_num").fetchone()
    assert row is not None
    return int(row[0]) // 10000


def tables(target: Target) -> list[str]:
    """The application's tables present in the database."""
    with target.connect() as conn:
        return [name for (name,) in conn.execute(TABLES_SQL).fetchall()]


def backup(url: str, file: Path, console: Console) -> Outcome:
    """Write the whole database to `file` (pg_dump custom format); a failure leaves no file."""
    started = time.monotonic()
    target = Target.of(url)
    folder = tools_dir(server_major(target), bundled_tool_dirs())
    partial = file.with_name(f"{file.name}.partial")
    command = [str(folder / "pg_dump"), "--format=custom", "--verbose"]
    command += [f"--file={partial}", f"--dbname={target.libpq_url}"]
    try:
        _run(command, target, console, "Backing up:")
        partial.replace(file)
    finally:
        partial.unlink(missing_ok=True)
    elapsed = time.monotonic() - started
    return Outcome(file, file.stat().st_size, len(tables(target)), elapsed)


def restore(url: str, file: Path, console: Console, *, force: bool = False) -> Outcome:
    """Restore `file` into an empty database, in one transaction (all or nothing).

    Raises Conflict (code `database_not_empty`) when the database holds tables, unless
    `force`, which first removes everything in it.
    """
    if not file.is_file():
        raise NotFound(_("No backup file at %(file)s.") % {"file": file}, field="file")
    started = time.monotonic()
    target = Target.of(url)
    held = tables(target)
    if held and not force:
        raise Conflict(
            _(
                "The database is not empty (it holds %(n)s tables, %(first)s among them); a"
                " backup is restored into an empty database. Add --force to replace everything"
                " in it."
            )
            % {"n": len(held), "first": held[0]},
            code="database_not_empty",
        )
    folder = tools_dir(server_major(target), bundled_tool_dirs())
    if held:
        with target.connect() as conn:
            conn.execute(WIPE_SQL)
    command = [str(folder / "pg_restore"), "--verbose", "--exit-on-error", "--single-transaction"]
    command += ["--no-owner", "--no-privileges", f"--dbname={target.libpq_url}", str(file)]
    _run(command, target, console, "Restoring:")
    elapsed = time.monotonic() - started
    return Outcome(file, file.stat().st_size, len(tables(target)), elapsed)
