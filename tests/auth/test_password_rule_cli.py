"""`create-account` applies the password rule of every surface: 12 characters, never the
demo password."""

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.config import get_settings
from tests.dbutil import scratch_database


@pytest.fixture
def cli(database_url: str) -> Iterator[tuple[CliRunner, dict[str, str]]]:
    with scratch_database(database_url, "passwordcli") as url:
        get_settings.cache_clear()
        runner, env = CliRunner(), {"DATABASE_URL": url}
        assert runner.invoke(app, ["migrate"], env=env).exit_code == 0
        yield runner, env
        get_settings.cache_clear()


@pytest.mark.parametrize(
    ("password", "output"),
    [
        ("eleven-char", "password: must be at least 12 characters.\n"),
        (
            "demo-password",
            "password: must not be the published demo password; choose another.\n",
        ),
    ],
)
def test_create_account_refuses_a_weak_password(
    cli: tuple[CliRunner, dict[str, str]], password: str, output: str
) -> None:
    runner, env = cli
    command = ["create-account", "v@example.com", "--role", "viewer", "--password-stdin"]
    refused = runner.invoke(app, command, env=env, input=f"{password}\n")
    assert (refused.exit_code, refused.output) == (1, output)
    accepted = runner.invoke(app, command, env=env, input="twelve-chars\n")
    assert accepted.exit_code == 0, accepted.output
