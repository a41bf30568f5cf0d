"""A real server for client tests: its own database on the test server, uvicorn on a free port."""

import asyncio
import contextlib
import threading
import time
import uuid
from collections.abc import Iterator

import psycopg
import uvicorn
from sqlalchemy.engine import make_url

from service import migrate
from service.actor import SYSTEM
from service.config import Settings
from service.deps import current_actor
from service.main import create_app


def _admin(database_url: str) -> str:
    url = make_url(database_url).set(drivername="postgresql", database="postgres")
    return url.render_as_string(hide_password=False)


@contextlib.contextmanager
def dedicated_database(database_url: str) -> Iterator[str]:
    """A migrated database of its own beside the test database, dropped afterwards."""
    name = f"graphql_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_admin(database_url), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with psycopg.connect(_admin(database_url), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@contextlib.contextmanager
def running_server(database_url: str) -> Iterator[str]:
    """The application served by uvicorn in a thread on a free port; yields its base URL."""
    app = create_app(Settings(database_url=database_url, db_pool_size=4))
    app.dependency_overrides[current_actor] = lambda: SYSTEM
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
