"""Credentials resolved in the last few seconds, forgotten the moment they change.

Triggers on `account`, `api_token` and `account_session` (migration 0019) NOTIFY the
channel `auth_changed` with the account id when a token is revoked, expires sooner or is
deleted, a session ends, or an account's role, department, person, email or disabled flag
changes. Each process keeps one listening connection; every lookup first reads whatever
notifications have arrived on it (a non-blocking read of its socket) and forgets that
account's entries. While the connection is down (starting, reconnecting) nothing is served
from memory and nothing is stored, so a changed credential is never used from the cache.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import psycopg
from psycopg.conninfo import make_conninfo
from sqlalchemy.ext.asyncio import AsyncEngine

from service.actor import Actor

CHANNEL = "auth_changed"
HOLD_SECONDS = 5.0  # the longest an entry is used without asking the database
RETRY_SECONDS = 1.0  # between attempts to reconnect the listener
# A listener whose server vanished without closing the connection is noticed within ~10 s.
CONNECT: dict[str, str | int] = {
    "application_name": "cdo-portfolio credential cache",
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
}

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Entry:
    actor: Actor
    until: float  # time.monotonic() after which the entry is not used


class CredentialCache:
    """Actors by credential hash, held only while the revocation listener is up."""

    def __init__(self, hold_seconds: float = HOLD_SECONDS) -> None:
        self.hold_seconds = hold_seconds
        self._entries: dict[str, Entry] = {}
        self._keys_of: dict[int, set[str]] = {}
        self._generation = 0
        self._connection: psycopg.AsyncConnection | None = None
        self._fd: int | None = None  # the listener's socket (unreadable once it is lost)
        self._lost = asyncio.Event()

    @property
    def listening(self) -> bool:
        """True while notifications are being received (the cache is in use)."""
        return self._connection is not None

    def generation(self) -> int:
        """A number that changes with every notification: take it before reading the database,
        hand it to `put`, and an entry read before a change is never stored after it."""
        self._drain()
        return self._generation

    def get(self, key: str) -> Actor | None:
        """The actor held for `key`, when the listener is up and the entry is fresh."""
        if not self.listening:
            return None
        self._drain()
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.until <= time.monotonic():
            self._entries.pop(key, None)
            return None
        return entry.actor

    def put(self, key: str, actor: Actor, seconds: float, generation: int) -> None:
        """Hold `actor` for `key` up to `seconds` (at most `hold_seconds`)."""
        self._drain()
        if not self.listening or generation != self._generation or actor.account_id is None:
            return
        seconds = min(seconds, self.hold_seconds)
        if seconds <= 0:
            return
        self._entries[key] = Entry(actor, time.monotonic() + seconds)
        self._keys_of.setdefault(actor.account_id, set()).add(key)

    def forget_account(self, account_id: int) -> None:
        """Forget every entry of one account."""
        self._generation += 1
        for key in self._keys_of.pop(account_id, ()):
            self._entries.pop(key, None)

    def _forget_all(self) -> None:
        self._generation += 1
        self._entries.clear()
        self._keys_of.clear()

    def _drain(self) -> None:
        """Apply the notifications waiting on the listener's socket (never blocks)."""
        connection = self._connection
        if connection is None:
            return
        pgconn = connection.pgconn
        try:
            pgconn.consume_input()
            while (notice := pgconn.notifies()) is not None:
                self._apply(notice.extra.decode())
        except psycopg.Error:
            self._down()
            return
        if pgconn.status != psycopg.pq.ConnStatus.OK:
            self._down()

    def _apply(self, payload: str) -> None:
        try:
            self.forget_account(int(payload))
        except ValueError:
            self._forget_all()  # an unexpected payload: forget everything, to be safe

    def _down(self) -> None:
        self._connection = None
        self._forget_all()
        if self._fd is not None:
            asyncio.get_running_loop().remove_reader(self._fd)
            self._fd = None
        self._lost.set()

    async def _listen(self, conninfo: str) -> None:
        """Connect, LISTEN, and keep reading until the connection is lost."""
        connection = await psycopg.AsyncConnection.connect(
            make_conninfo(conninfo, **CONNECT), autocommit=True
        )
        try:
            await connection.execute(f"LISTEN {CHANNEL}")
            self._forget_all()  # anything could have changed while no one listened
            self._lost.clear()
            self._connection, self._fd = connection, connection.fileno()
            asyncio.get_running_loop().add_reader(self._fd, self._drain)
            await self._lost.wait()
        finally:
            if self._connection is connection:
                self._down()
            await connection.close()

    async def run(self, conninfo: str) -> None:
        """Listen for changes for as long as the task runs, reconnecting after a failure."""
        while True:
            try:
                await self._listen(conninfo)
                log.warning("credential cache bypassed: listener lost, reconnecting")
            except (psycopg.Error, OSError) as exc:
                log.warning("credential cache bypassed: listener down (%s)", exc)
            await asyncio.sleep(RETRY_SECONDS)


def libpq_url(engine: AsyncEngine) -> str:
    """The engine's database as a libpq connection string."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.asynccontextmanager
async def listening(
    engine: AsyncEngine, hold_seconds: float = HOLD_SECONDS
) -> AsyncIterator[CredentialCache]:
    """A cache whose listener runs in the background while the context is open."""
    cache = CredentialCache(hold_seconds)
    if hold_seconds <= 0:  # switched off: never listening, so every lookup asks the database
        yield cache
        return
    task = asyncio.create_task(cache.run(libpq_url(engine)), name="credential-cache")
    try:
        yield cache
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
