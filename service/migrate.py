"""Apply the Alembic migrations programmatically (no alembic.ini needed).

Alembic is imported inside the functions, so importing this module (the command line does)
stays cheap.
"""

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> "Config":
    """An Alembic config pointing at our migrations and `url`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


# The key of the PostgreSQL advisory lock an upgrade holds: app replicas starting together
# migrate one after the other; the later ones find the database current and do nothing.
MIGRATION_LOCK_KEY = 7_236_845_019


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` up to `revision`, one process at a time."""
    from alembic import command
    from sqlalchemy import create_engine, pool, text

    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            # Held by the session until it closes, whatever transactions run meanwhile.
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
    finally:
        engine.dispose()


def downgrade(url: str, revision: str) -> None:
    """Migrate the database at `url` down to `revision`."""
    from alembic import command

    command.downgrade(alembic_config(url), revision)


def is_current(connection: "Connection", url: str) -> bool:
    """True when the database is migrated to the latest revision."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    current = set(MigrationContext.configure(connection).get_current_heads())
    return current == heads
