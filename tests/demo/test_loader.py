"""Loading demo data through committed transactions: once, and only into an empty database."""

import io

import psycopg
import pytest
from rich.console import Console

from service import cli, migrate
from service.auth.commands import demo_accounts
from service.auth.demo_accounts import DEMO_PASSWORD
from service.config import Settings
from service.demo import loader
from service.errors import Conflict
from tests.dbutil import scratch_database


def _console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=120), out


async def test_demo_loads_once_then_keeps_the_data(database_url: str) -> None:
    with scratch_database(database_url, "demo") as url:
        migrate.upgrade(url)
        console, out = _console()
        assert await loader.load_demo_if_empty(url, console) is True
        assert "Demo company loaded" in out.getvalue()
        assert await loader.load_demo_if_empty(url, console) is True
        assert "The database holds the demo company: keeping it." in out.getvalue()
        with pytest.raises(Conflict) as refused:
            await loader.load(url, console)
        assert refused.value.code == "database_not_empty"
        assert "40 initiatives" in refused.value.detail
        with pytest.raises(Conflict):
            await loader.load(url, console, scale=50)
        assert _counts(url) == (40, 60, 0)


def _counts(url: str) -> tuple[int, int, int]:
    """Initiatives, people and accounts in the database at `url`."""
    libpq = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq) as connection:
        row = connection.execute(
            "SELECT (SELECT count(*) FROM initiative), (SELECT count(*) FROM person),"
            " (SELECT count(*) FROM account)"
        ).fetchone()
    assert row is not None
    return row


def _execute(url: str, *statements: str) -> None:
    libpq = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


REAL_DEPARTMENT = "INSERT INTO department (code, name) VALUES ('legal', 'Legal')"
REAL_PERSON = (
    "INSERT INTO person (name, email, title) VALUES ('Samuel Okafor',"
    " 'samuel.okafor@northbridge-home.example', 'Chief Digital Officer')"
)
REAL_ACCOUNT = "INSERT INTO account (email, role) VALUES ('owner@real.example', 'cdo_office')"


@pytest.mark.parametrize(
    "held",
    [(REAL_DEPARTMENT,), (REAL_PERSON,), (REAL_ACCOUNT,)],
    ids=["a department", "a person", "an account"],
)
def test_serve_demo_on_other_data_adds_nothing(
    database_url: str, held: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with scratch_database(database_url, "demo") as url:
        migrate.upgrade(url)
        _execute(url, *held)
        before = _counts(url)
        cli.server.demo_for_serve(url, Settings(database_url=url))
        assert _counts(url) == before
        err = capsys.readouterr().err
        assert "already holds data other than the demo company" in " ".join(err.split())
        assert "Demo logins" not in err
        assert DEMO_PASSWORD not in err


def test_serve_demo_prints_the_logins_on_every_start(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with scratch_database(database_url, "demo") as url:
        migrate.upgrade(url)
        settings = Settings(database_url=url)
        cli.server.demo_for_serve(url, settings)
        first = capsys.readouterr().err
        accounts = _counts(url)[2]
        cli.server.demo_for_serve(url, settings)
        again = capsys.readouterr().err
        assert "Demo company loaded" in first
        assert "samuel.okafor@northbridge-home.example" in first
        assert "keeping it" in again
        assert "samuel.okafor@northbridge-home.example" in again
        assert _counts(url) == (40, 60, accounts)


async def test_no_demo_account_beside_real_data(database_url: str) -> None:
    with scratch_database(database_url, "demo") as url:
        migrate.upgrade(url)
        console, _ = _console()
        assert await loader.load_demo_if_empty(url, console) is True
        _execute(url, REAL_DEPARTMENT)
        with pytest.raises(Conflict) as refused:
            await demo_accounts(url, Settings(database_url=url))
        assert (refused.value.code, refused.value.detail) == (
            "not_the_demo",
            "The database holds data other than the demo company: no demo account is created.",
        )
        assert _counts(url) == (40, 60, 0)


async def test_load_scale_builds_a_synthetic_company(database_url: str) -> None:
    with scratch_database(database_url, "demo") as url:
        migrate.upgrade(url)
        console, out = _console()
        counts = await loader.load(url, console, scale=50, seed=1)
        assert (counts["initiative"], counts["person"], counts["kpi"]) == (50, 8, 4)
        assert "Synthetic company of 50 initiatives loaded" in out.getvalue()
