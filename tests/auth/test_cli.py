"""The `create-account` and `create-token` commands, against a scratch database."""

import asyncio
import contextlib
import os
import re
import select
import subprocess
import sys
import time
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from typer.testing import CliRunner

from schema import Account
from schema.enums import Role
from service.auth import tokens
from service.auth.passwords import verify_password
from service.cli import ROLES, app
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


def test_a_refused_password_is_never_printed(cli: tuple[CliRunner, dict[str, str]]) -> None:
    runner, env = cli
    short = runner.invoke(
        app,
        ["create-account", "z@example.com", "--role", "viewer", "--password-stdin"],
        env=env,
        input="Hunter7\n",
    )
    assert short.exit_code == 1
    assert "Hunter7" not in short.output
    # The rule's own words (its minimum length) belong to the account payload.
    assert re.fullmatch(r"password: [^\n]*at least \d+[^\n]*\n", short.output), short.output


def test_roles_of_the_command_line_are_the_roles() -> None:
    assert tuple(role.value for role in Role) == ROLES


def _read_until(terminal: int, expected: bytes, seen: bytearray) -> None:
    deadline = time.monotonic() + 60
    while expected not in seen:
        ready, _, _ = select.select([terminal], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            pytest.fail(f"no {expected!r} on the terminal; it showed {bytes(seen)!r}")
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # the command closed the terminal
            chunk = b""
        if not chunk:
            pytest.fail(f"the terminal closed before {expected!r}; it showed {bytes(seen)!r}")
        seen.extend(chunk)


def _on_terminal(env: dict[str, str], answers: tuple[str, str]) -> tuple[int, str]:
    """Run create-account on a pseudo-terminal, answering both prompts; exit code and screen."""
    command = [sys.executable, "-m", "service.cli", "create-account", "tty@example.com"]
    command += ["--role", "viewer", "--password-stdin"]
    terminal, side = os.openpty()
    seen = bytearray()
    with subprocess.Popen(
        command,
        stdin=side,
        stdout=side,
        stderr=side,
        env=os.environ | env,
        start_new_session=True,  # no controlling terminal but this one
    ) as process:
        os.close(side)
        try:
            for prompt, answer in zip(
                (b"Password: ", b"Repeat the password: "), answers, strict=True
            ):
                _read_until(terminal, prompt, seen)
                os.write(terminal, answer.encode() + b"\n")
            code = process.wait(timeout=120)
            with contextlib.suppress(OSError):
                while chunk := os.read(terminal, 4096):
                    seen.extend(chunk)
        finally:
            if process.poll() is None:
                process.kill()
            os.close(terminal)
    return code, re.sub(r"\x1b\[[0-9;]*m", "", seen.decode(errors="replace"))


def test_password_on_a_terminal_is_asked_twice_unseen(
    cli: tuple[CliRunner, dict[str, str]],
) -> None:
    _, env = cli
    secret = "correct-horse-battery"
    code, screen = _on_terminal(env, (secret, secret))
    assert code == 0, screen
    assert re.fullmatch(
        r"Password: \r\nRepeat the password: \r\n"
        r"Account \d+ created: tty@example.com \(viewer\)\.\r\n",
        screen,
    ), screen
    assert secret not in screen
    with psycopg.connect(_libpq(env)) as db:
        row = db.execute("SELECT password_hash FROM account WHERE email = 'tty@example.com'")
        stored = row.fetchone()
    assert stored is not None and verify_password(secret, stored[0])


def test_two_different_passwords_create_nothing(cli: tuple[CliRunner, dict[str, str]]) -> None:
    _, env = cli
    code, screen = _on_terminal(env, ("correct-horse-battery", "correct-horse-batterz"))
    assert code == 1
    assert "The two passwords differ; no account was created." in screen
    assert "correct-horse" not in screen
    with psycopg.connect(_libpq(env)) as db:
        count = db.execute("SELECT count(*) FROM account").fetchone()
    assert count == (0,)


def _libpq(env: dict[str, str]) -> str:
    url = make_url(env["DATABASE_URL"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)
