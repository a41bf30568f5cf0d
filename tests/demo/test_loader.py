"""Loading demo data through committed transactions: once, and only into an empty database."""

import io

import psycopg
import pytest
from rich.console import Console

from service import migrate
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
        first = await loader.load_demo_if_empty(url, console)
        assert (first["initiative"], first["person"]) == (40, 60)
        assert "Demo company loaded" in out.getvalue()
        again = await loader.load_demo_if_empty(url, console)
        assert again == {}
        assert "keeping it" in out.getvalue()
        with pytest.raises(Conflict) as refused:
            await loader.load(url, console)
        assert refused.value.code == "database_not_empty"
        assert "40 initiatives" in refused.value.detail
        with pytest.raises(Conflict):
            await loader.load(url, console, scale=50)
        libpq = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(libpq) as connection:
            count = connection.execute("SELECT count(*) FROM initiative").fetchone()
        assert count == (40,)


async def test_load_scale_builds_a_synthetic_company(database_url: str) -> None:
    with scratch_database(database_url, "demo") as url:
        migrate.upgrade(url)
        console, out = _console()
        counts = await loader.load(url, console, scale=50, seed=1)
        assert (counts["initiative"], counts["person"], counts["kpi"]) == (50, 8, 4)
        assert "Synthetic company of 50 initiatives loaded" in out.getvalue()
