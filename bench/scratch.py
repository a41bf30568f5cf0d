"""Scratch databases for the benches on the embedded server, owned by the application's role.

The embedded server's application role may not create databases; its superuser does, and
hands each one to the application role.
"""

import psycopg
from sqlalchemy.engine import make_url

from service.embedded_db import EmbeddedPostgres


def database_url(server: EmbeddedPostgres, url: str, name: str) -> str:
    """The application's URL (`url`, from `server.start()`) for the database `name`."""
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def exists(server: EmbeddedPostgres, name: str) -> bool:
    """Whether the database `name` exists."""
    with _admin(server) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


def recreate(server: EmbeddedPostgres, url: str, name: str) -> str:
    """Drop and create the database `name` for the application's role; its URL."""
    owner = make_url(url).username
    with _admin(server) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f'CREATE DATABASE {name} OWNER "{owner}"')
    return database_url(server, url, name)


def _admin(server: EmbeddedPostgres) -> psycopg.Connection:
    admin = make_url(server.admin_url("postgres")).set(drivername="postgresql")
    return psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True)
