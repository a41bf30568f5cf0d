"""The `create-account` and `create-token` commands, against a scratch database."""

import asyncio
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from typer.testing import CliRunner

from schema import Account
from service.auth import tokens
from service.auth.passwords import verify_password
from service.cli import app
from service.config import get_settings
from tests.dbutil import scratch_database


@pytest.fixture
def cli(database_url: str) -> Iterator[tuple[CliRunner, dict[str, str]]]:
    """A runner whose DATABASE_URL is a migrated scratch database with an HR department."""
    with scratch_database(database_url, "authcli") as url:
        get_settings.cache_clear()
        runner, env = CliRunner(), {"DATABASE_URL": url}
        assert runner.invoke(app, ["migrate"], env=env).exit_code == 0
        libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(libpq, autocommit=True) as db:
            db.execute("INSERT INTO department (code, name) VALUES ('hr', 'HR')")
            db.execute(
                "INSERT INTO person (name, email, title, department_id)"
                " SELECT 'Amina', 'amina@example.com', 'HRD', id FROM department"
            )
        yield runner, env
        get_settings.cache_clear()


async def _check_token(url: str, token: str) -> Account:
    engine = create_async_engine(url)
    try:
        async with AsyncSession(engine) as session:
            return await tokens.account_for_token(session, token)
    finally:
        await engine.dispose()


def test_create_account_then_token(cli: tuple[CliRunner, dict[str, str]]) -> None:
    runner, env = cli
    created = runner.invoke(
        app,
        [
            "create-account",
            "Amina@Example.com",
            "--role",
            "department_head",
            "--department",
            "hr",
            "--person",
            "amina@example.com",
            "--password-stdin",
        ],
        env=env,
        input="s3cret-password\n",
    )
    assert created.exit_code == 0, created.output
    issued = runner.invoke(
        app, ["create-token", "amina@example.com", "--name", "ci", "--expires-days", "30"], env=env
    )
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.strip()
    assert issued.stdout == f"{token}\n"
    assert token.startswith("cdo_")
    account = asyncio.run(_check_token(env["DATABASE_URL"], token))
    assert (account.email, account.role, account.department_id) == (
        "amina@example.com",
        "department_head",
        1,
    )
    assert account.person_id == 1
    assert verify_password("s3cret-password", account.password_hash)


def test_refusals_exit_with_1(cli: tuple[CliRunner, dict[str, str]]) -> None:
    runner, env = cli
    unknown = runner.invoke(
        app,
        ["create-account", "x@example.com", "--role", "department_head", "--department", "nope"],
        env=env,
    )
    assert unknown.exit_code == 1
    assert "No department has code 'nope'" in unknown.output
    headless = runner.invoke(
        app, ["create-account", "y@example.com", "--role", "department_head"], env=env
    )
    assert headless.exit_code == 1
    missing = runner.invoke(app, ["create-token", "ghost@example.com"], env=env)
    assert (missing.exit_code, missing.stdout) == (1, "")
    bad_role = runner.invoke(app, ["create-account", "z@example.com", "--role", "king"], env=env)
    assert bad_role.exit_code == 2
