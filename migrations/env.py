"""Alembic environment: the URL comes from the caller's config or from the settings."""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

import schema

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = schema.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from service.config import get_settings

    database_url = get_settings().database_url
    if not database_url:
        raise RuntimeError(
            "Set DATABASE_URL, or run `cdo-portfolio migrate` for the embedded server."
        )
    return database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(connection=connectable, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
