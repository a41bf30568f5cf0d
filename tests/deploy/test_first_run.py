"""An installation without a CDO office account says how to create the first one: `serve`
prints the command, the sign-in page shows it, until an enabled CDO office account exists."""

import html
import io
import sys
from pathlib import Path

import httpx
import psycopg
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from service import first_run
from tests.dbutil import scratch_database
from tests.factories import make_account
from tests.ops.serving import serving

COMMAND = "cdo-portfolio create-account you@your-company.example --role cdo_office --password-stdin"


async def test_needed_until_an_enabled_cdo_office_account_exists(session: AsyncSession) -> None:
    assert await first_run.needs_first_account(session) is True
    await make_account(session, "viewer")
    assert await first_run.needs_first_account(session) is True
    await make_account(session, "cdo_office", is_disabled=True)
    assert await first_run.needs_first_account(session) is True
    await make_account(session, "cdo_office")
    assert await first_run.needs_first_account(session) is False


async def test_sign_in_page_shows_the_command_while_needed(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    empty = await anon.get("/login")
    assert empty.status_code == 200
    assert first_run.FIRST_ACCOUNT_HINT in empty.text
    assert f"<code>{html.escape(COMMAND)}</code>" in empty.text
    await make_account(session, "cdo_office")
    await session.flush()
    signed = await anon.get("/login")
    assert signed.status_code == 200
    assert "create-account" not in signed.text
    assert first_run.FIRST_ACCOUNT_HINT not in signed.text


def test_serve_prints_the_command_on_an_empty_database(database_url: str, tmp_path: Path) -> None:
    with scratch_database(database_url, "first_run") as url:
        env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin", "LOG_FORMAT": "json"}
        with serving([sys.executable, "-m", "service.cli", "serve"], env, tmp_path) as base:
            assert httpx.get(f"{base}/login").status_code == 200
        lines = (tmp_path / "serve.log").read_text().splitlines()
        assert lines.count(first_run.FIRST_ACCOUNT_HINT) == 1
        assert lines.count(f"  {COMMAND}") == 1  # whole on one line, to copy

        libpq = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(libpq) as connection:
            connection.execute(
                "INSERT INTO account (email, role) VALUES ('cdo@example.com', 'cdo_office')"
            )
        printed = io.StringIO()
        assert first_run.print_hint(url, Console(file=printed)) is False
        assert printed.getvalue() == ""
