"""`backup` then `restore` gives back every row of every table, and the service runs on it."""

import asyncio
import io
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from rich.console import Console
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from service import migrate
from service.auth.commands import demo_accounts
from service.auth.demo_accounts import DEMO_PASSWORD
from service.cli import app
from service.config import Settings, get_settings
from service.demo import loader
from tests.dbutil import scratch_database
from tests.ops.serving import serving, sign_in

CDO = "samuel.okafor@northbridge-home.example"


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and the md5 of its rows in order; every sequence's value."""
    found: dict[str, tuple[int, str]] = {}
    with psycopg.connect(_libpq(url)) as db:
        names = db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        for (name,) in names:
            row = db.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                f' FROM "{name}" t'
            ).fetchone()
            assert row is not None
            found[name] = (row[0], row[1])
        for name, value in db.execute("SELECT sequencename, last_value FROM pg_sequences"):
            found[f"sequence {name}"] = (value or 0, "")
    return found


@pytest.fixture
def folder() -> Iterator[Path]:
    made = Path(tempfile.mkdtemp(prefix="cdo-backup-"))
    try:
        yield made
    finally:
        shutil.rmtree(made, ignore_errors=True)


def _run(args: list[str], url: str) -> tuple[int, str]:
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, args, env={"DATABASE_URL": url})
    finally:
        get_settings.cache_clear()
    return result.exit_code, " ".join(result.output.split())


def test_backup_restores_every_row_and_serves(database_url: str, folder: Path) -> None:
    file = folder / "portfolio.dump"
    with scratch_database(database_url, "backup") as source:
        migrate.upgrade(source)
        assert asyncio.run(loader.load_demo_if_empty(source, Console(file=io.StringIO())))
        asyncio.run(demo_accounts(source, Settings(database_url=source)))
        before = fingerprint(source)
        code, said = _run(["backup", str(file)], source)
        assert code == 0, said
        assert said.startswith(f"Backed up {len(before) - _sequences(before)} tables to {file} (")
    assert before["initiative"][0] == 40 and before["account"][0] > 0
    assert not file.with_name("portfolio.dump.partial").exists()
    with scratch_database(database_url, "restored") as target:
        code, said = _run(["restore", str(file)], target)
        assert code == 0, said
        assert said.startswith(f"Restored {len(before) - _sequences(before)} tables from {file}")
        assert fingerprint(target) == before
        env = {"DATABASE_URL": target, "PATH": "/usr/bin:/bin"}
        with (
            serving([sys.executable, "-m", "service.cli", "serve"], env, folder) as base,
            sign_in(base, CDO, DEMO_PASSWORD) as browser,
        ):
            assert browser.get("/initiatives").status_code == 200


def _sequences(found: dict[str, tuple[int, str]]) -> int:
    return sum(name.startswith("sequence ") for name in found)


def test_restore_refuses_a_database_that_is_not_empty(database_url: str, folder: Path) -> None:
    file = folder / "empty.dump"
    with scratch_database(database_url, "backup") as source:
        migrate.upgrade(source)
        assert _run(["backup", str(file)], source)[0] == 0
        _execute(source, "INSERT INTO department (code, name) VALUES ('legal', 'Legal')")
        code, said = _run(["restore", str(file)], source)
        assert code == 1
        assert said.startswith("The database is not empty (it holds ")
        assert said.endswith(
            "a backup is restored into an empty database. Add --force to replace everything in it."
        )
        assert fingerprint(source)["department"][0] == 1
        code, said = _run(["restore", "--force", str(file)], source)
        assert code == 0, said
        assert fingerprint(source)["department"][0] == 0


def test_restore_of_a_missing_file_says_so(database_url: str, folder: Path) -> None:
    with scratch_database(database_url, "backup") as target:
        assert _run(["restore", str(folder / "nope.dump")], target) == (
            1,
            f"No backup file at {folder / 'nope.dump'}.",
        )


def _execute(url: str, statement: str) -> None:
    with psycopg.connect(_libpq(url), autocommit=True) as db:
        db.execute(statement)
