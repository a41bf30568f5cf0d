"""Migrations: one head, a clean round trip, and a database that matches the models."""

from concurrent.futures import ThreadPoolExecutor

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

import schema
from service import migrate
from tests.dbutil import scratch_database


def test_single_head(database_url: str) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(database_url))
    assert len(script.get_heads()) == 1


def test_upgrade_downgrade_upgrade_round_trip(database_url: str) -> None:
    with scratch_database(database_url, "migrations") as url:
        migrate.upgrade(url)
        migrate.downgrade(url, "base")
        engine = create_engine(url)
        with engine.connect() as connection:
            assert inspect(connection).get_table_names() == ["alembic_version"]
        migrate.upgrade(url)
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
        engine.dispose()
        assert tables == set(schema.metadata.tables) | {"alembic_version"}


def test_migrated_database_matches_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), schema.metadata)
    engine.dispose()
    assert diff == []


def test_replicas_starting_together_migrate_once_each_in_turn(database_url: str) -> None:
    # Four app processes start at once on an empty database: one migrates, the others wait
    # for its lock and find the database current.
    with scratch_database(database_url, "migrations") as url:
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda _: migrate.upgrade(url), range(4)))
        assert results == [None] * 4
        engine = create_engine(url)
        with engine.connect() as connection:
            assert migrate.is_current(connection, url)
            tables = set(inspect(connection).get_table_names())
        engine.dispose()
        assert tables == set(schema.metadata.tables) | {"alembic_version"}
