"""`cdo-portfolio snapshot` also purges the tombstones older than the retention."""

import psycopg
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from service import migrate
from service.cli import app
from service.config import get_settings
from tests.dbutil import scratch_database


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_the_daily_snapshot_purges_tombstones_past_the_retention(database_url: str) -> None:
    with scratch_database(database_url, "purge") as url:
        migrate.upgrade(url)
        with psycopg.connect(_libpq(url), autocommit=True) as db:
            db.execute(
                "INSERT INTO deletion (entity_type, entity_id, deleted_at) VALUES"
                " ('initiative', 1, now() - interval '31 days'),"
                " ('initiative', 2, now() - interval '29 days'),"
                " ('kpi', 3, now())"
            )
        get_settings.cache_clear()
        try:
            env = {"DATABASE_URL": url, "DELETIONS_RETENTION_DAYS": "30"}
            result = CliRunner().invoke(app, ["snapshot"], env=env)
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        assert "deletion tombstones purged: 1 (kept 30 days)" in result.output
        with psycopg.connect(_libpq(url)) as db:
            kept = db.execute("SELECT entity_id FROM deletion ORDER BY entity_id").fetchall()
        assert kept == [(2,), (3,)]
