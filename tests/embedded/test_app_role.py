"""In embedded mode the application connects as `cdo_app`, a role that owns the database
and everything in it but is no superuser; the migrations and triggers work under it."""

import io
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from asgi_lifespan import LifespanManager
from rich.console import Console
from sqlalchemy import text

from service import migrate
from service.config import Settings
from service.demo import loader
from service.embedded_db import EmbeddedPostgres
from service.main import create_app
from tests.embedded.processes import stop_servers_of

NOT_OWNED = """
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) <> 'cdo_app'
"""
ROUTINES_NOT_OWNED = """
SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> 'cdo_app'
"""


@pytest.fixture
def folder() -> Iterator[Path]:
    made = Path(tempfile.mkdtemp(prefix="cdo-role-"))
    try:
        yield made
    finally:
        stop_servers_of(made)
        shutil.rmtree(made, ignore_errors=True)


def _one(url: str, sql: str) -> tuple[object, ...]:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as db:
        row = db.execute(sql).fetchone()
    assert row is not None
    return tuple(row)


async def test_the_app_connects_as_a_role_that_is_no_superuser(folder: Path) -> None:
    settings = Settings(database_url=None, embedded_data_dir=folder / "pgdata")
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=180, shutdown_timeout=60),
        app.state.engine.connect() as connection,
    ):
        who = await connection.execute(
            text("SELECT current_user, usesuper FROM pg_user WHERE usename = current_user")
        )
        assert tuple(who.one()) == ("cdo_app", False)
        url = app.state.engine.url.render_as_string(hide_password=False)
        # The migrations ran as that role: it owns every table, sequence and function.
        assert _one(url, NOT_OWNED) == (0,)
        assert _one(url, ROUTINES_NOT_OWNED) == (0,)
        # The triggers and advisory locks of the migrations work for it (the demo fires them).
        assert await loader.load_demo_if_empty(url, Console(file=io.StringIO())) is True
        flags = await connection.execute(
            text("SELECT count(*) FROM department_status_total WHERE initiative_count > 0")
        )
        assert flags.scalar_one() > 0
        libpq = url.replace("postgresql+psycopg://", "postgresql://")
        with (
            psycopg.connect(libpq) as db,
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"),
        ):
            db.execute("TRUNCATE audit_event")  # the audit stays append-only


def test_an_install_made_by_the_superuser_is_handed_over(folder: Path) -> None:
    server = EmbeddedPostgres(folder / "pgdata", cleanup="delete")
    try:
        server.start()
        admin = server.admin_url()
        with psycopg.connect(admin.replace("postgresql+psycopg://", "postgresql://")) as db:
            db.execute("ALTER DATABASE cdo_portfolio OWNER TO postgres")
            db.commit()
        migrate.upgrade(admin)  # as installations did before the role existed
        assert _one(admin, NOT_OWNED) != (0,)
        url = server.start()
        assert _one(url, "SELECT current_user") == ("cdo_app",)
        assert _one(admin, NOT_OWNED) == (0,)
        assert _one(admin, ROUTINES_NOT_OWNED) == (0,)
        migrate.upgrade(url)
        assert _one(
            url, "INSERT INTO department (code, name) VALUES ('x', 'X') RETURNING code"
        ) == ("x",)
    finally:
        server.stop()
