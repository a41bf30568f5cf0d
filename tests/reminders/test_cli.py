"""`cdo-portfolio send-reminders` against a scratch database: counts, once a day, errors."""

import asyncio
from collections.abc import Iterator
from datetime import date
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from service.cli import app
from service.config import Settings, get_settings
from service.db import make_engine, make_sessionmaker
from service.reminders import service as reminders
from tests.dbutil import scratch_database
from tests.reminders.conftest import BASE_URL, MailHandler, free_port

SEED = """
INSERT INTO department (code, name) VALUES ('it', 'IT');
INSERT INTO person (name, email, title, department_id)
    SELECT 'Ada Byron', 'ada.person@example.com', 'Lead', id FROM department;
INSERT INTO account (email, role, person_id)
    SELECT 'ada@example.com', 'contributor', id FROM person;
INSERT INTO initiative (code, title, description, department_id, owner_id, status,
                        orientation, client_share, origin, user_need, target_users,
                        is_experiment, hypothesis, lessons_learned, budget_planned, start_date)
    SELECT 'INI-042', 'Traceability', '', d.id, p.id, 'in_progress', 'internal', 0,
           'user_need', 'Re-keying', '', false, '', '', 0, current_date - 90
    FROM department d, person p;
"""


@pytest.fixture
def cli(database_url: str) -> Iterator[tuple[CliRunner, dict[str, str], str]]:
    """A runner on a migrated scratch database where Ada's INI-042 is 60 days overdue."""
    with scratch_database(database_url, "remindcli") as url:
        get_settings.cache_clear()
        runner = CliRunner()
        env = {
            "DATABASE_URL": url,
            "MAIL_FROM": "portfolio@example.com",
            "PUBLIC_BASE_URL": BASE_URL,
            "SMTP_TLS": "none",
            "SMTP_HOST": "127.0.0.1",
        }
        assert runner.invoke(app, ["migrate"], env=env).exit_code == 0
        libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(libpq, autocommit=True) as db:
            db.execute(SEED)  # type: ignore[arg-type]
        yield runner, env, libpq
        get_settings.cache_clear()


def _run(runner: CliRunner, env: dict[str, str], *args: str) -> tuple[int, str]:
    """Run the command with `env` (settings read afresh); its exit code and its output with
    the console's line wrapping undone."""
    get_settings.cache_clear()
    result = runner.invoke(app, ["send-reminders", *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, " ".join(result.output.split())


def _sent(libpq: str) -> int:
    with psycopg.connect(libpq, autocommit=True) as db:
        row = db.execute("SELECT count(*) FROM notification_sent").fetchone()
        return int(row[0]) if row else -1


def test_a_cron_run_twice_mails_once(
    cli: tuple[CliRunner, dict[str, str], str], smtp: tuple[MailHandler, int]
) -> None:
    runner, env, libpq = cli
    handler, port = smtp
    env = env | {"SMTP_PORT": str(port)}
    assert _run(runner, env, "--no-digest") == (
        0,
        "Reminders sent: 1 Digest: not today (DIGEST_WEEKDAY; --digest sends it now).",
    )
    assert [m.message["Subject"] for m in handler.received] == ["Check-in due: INI-042"]
    assert [m.rcpt_tos for m in handler.received] == [["ada@example.com"]]
    code, output = _run(runner, env, "--no-digest")
    assert (code, output.startswith("Reminders sent: 0 ")) == (0, True)
    assert len(handler.received) == 1
    assert _sent(libpq) == 1


def test_a_dead_smtp_server_is_a_clear_error(
    cli: tuple[CliRunner, dict[str, str], str],
) -> None:
    runner, env, libpq = cli
    port = free_port()  # nothing listens there
    code, output = _run(runner, env | {"SMTP_PORT": str(port)}, "--no-digest")
    assert code == 1
    assert output.startswith(
        "Reminders sent: 0 Digest: not today (DIGEST_WEEKDAY; --digest sends it now)."
        f" Cannot reach the SMTP server 127.0.0.1:{port}: "
    )
    assert output.endswith(" No further email was sent.")
    assert "Traceback" not in output
    assert _sent(libpq) == 0


def test_without_smtp_the_command_says_nothing_was_sent(
    cli: tuple[CliRunner, dict[str, str], str],
) -> None:
    runner, env, libpq = cli
    assert _run(runner, env | {"SMTP_HOST": ""}, "--no-digest") == (
        0,
        "Reminders sent: 0 Digest: not today (DIGEST_WEEKDAY; --digest sends it now)."
        " SMTP_HOST is not set: no email was sent (1 reminders and 0 digests would have gone).",
    )
    assert _sent(libpq) == 0


async def test_two_runs_at_the_same_time_mail_once(
    cli: tuple[CliRunner, dict[str, str], str], smtp: tuple[MailHandler, int]
) -> None:
    _, env, libpq = cli
    handler, port = smtp
    settings = Settings(
        database_url=env["DATABASE_URL"],
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="none",
        mail_from="portfolio@example.com",
        public_base_url=BASE_URL,
    )
    engines = [make_engine(env["DATABASE_URL"], settings) for _ in range(2)]
    try:

        async def run(engine: Any) -> int:
            async with make_sessionmaker(engine)() as session:
                report = await reminders.send_notifications(
                    session, settings, today=date.today(), digest=False
                )
                return report.reminders_sent

        sent = await asyncio.gather(*(run(engine) for engine in engines))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(sent) == [0, 1]
    assert len(handler.received) == 1
    assert _sent(libpq) == 1
