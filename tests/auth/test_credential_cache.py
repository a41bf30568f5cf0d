"""Credential lookups are held a few seconds per process, yet a revoked token, an ended
session or a changed role applies on the very next request, in every process."""

import asyncio
import random
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine

from schema import ApiToken
from service import migrate
from service.actor import SYSTEM, Actor, Role
from service.auth import accounts, credential_cache, sessions, tokens
from service.auth.payloads import AccountCreate
from service.config import Settings
from service.db import make_engine, make_sessionmaker
from service.main import create_app
from tests.auth.helpers import bearer
from tests.dbutil import scratch_database


@pytest.fixture(scope="module")
def committed_url(database_url: str) -> Iterator[str]:
    with scratch_database(database_url, "credcache") as url:
        migrate.upgrade(url)
        yield url


class Process:
    """One application process: its own engine, its own cache and listener."""

    def __init__(self, url: str, settings: Settings) -> None:
        self.engine = make_engine(url, settings)
        self.app: FastAPI = create_app(settings, engine=self.engine)
        self.statements: list[str] = []
        event.listen(self.engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)

    @property
    def cache(self) -> credential_cache.CredentialCache:
        return self.app.state.credential_cache  # type: ignore[no-any-return]

    def client(self, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
        return httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers)


async def _until(condition: Any) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached within 5 s")


@pytest.fixture
async def processes(committed_url: str) -> AsyncIterator[tuple[Process, Process]]:
    """Two processes sharing the database, each listening."""
    settings = Settings(database_url=committed_url)
    pair = (Process(committed_url, settings), Process(committed_url, settings))
    async with (
        credential_cache.listening(pair[0].engine) as first,
        credential_cache.listening(pair[1].engine) as second,
    ):
        pair[0].app.state.credential_cache = first
        pair[1].app.state.credential_cache = second
        await _until(lambda: first.listening and second.listening)
        yield pair
    for process in pair:
        await process.engine.dispose()


async def _account(engine: AsyncEngine, role: str) -> tuple[int, int, str]:
    """A committed account of `role` with one token: its id, the token's id and plaintext."""
    async with make_sessionmaker(engine)() as session:
        email = f"{role}-{random.randrange(10**9)}@example.com"
        account = await accounts.create_account(
            session, SYSTEM, AccountCreate(email=email, role=role)
        )
        token, plaintext = await tokens.create_token(session, SYSTEM, accounts.account_id(account))
        await session.commit()
        assert token.id is not None
        return accounts.account_id(account), token.id, plaintext


async def test_a_token_revoked_through_one_process_is_refused_by_the_other(
    processes: tuple[Process, Process],
) -> None:
    first, second = processes
    _, token_id, token = await _account(first.engine, "viewer")
    async with first.client(bearer(token)) as one, second.client(bearer(token)) as other:
        assert (await other.get("/api/v1/auth/tokens")).status_code == 200
        assert (await other.get("/api/v1/auth/tokens")).status_code == 200  # held
        assert (await one.delete(f"/api/v1/auth/tokens/{token_id}")).status_code == 204
        refused = await other.get("/api/v1/auth/tokens")
    assert (refused.status_code, refused.json()["code"]) == (401, "token_revoked")


async def test_a_demoted_account_loses_its_permission_on_the_next_request(
    processes: tuple[Process, Process],
) -> None:
    first, second = processes
    admin_id, _, admin = await _account(first.engine, "cdo_office")
    account_id, _, token = await _account(first.engine, "cdo_office")
    someone_else = f"/api/v1/accounts/{admin_id}"
    async with first.client(bearer(admin)) as one, second.client(bearer(token)) as other:
        assert (await other.get(someone_else)).status_code == 200  # held as cdo_office
        demoted = await one.patch(
            f"/api/v1/accounts/{account_id}", json={"role": "viewer"}, headers={"If-Match": '"1"'}
        )
        assert demoted.status_code == 200
        refused = await other.get(someone_else)
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")


async def test_an_ended_session_is_refused_by_the_other_process(
    processes: tuple[Process, Process],
) -> None:
    first, second = processes
    account_id, _, _ = await _account(first.engine, "viewer")
    async with make_sessionmaker(first.engine)() as session:
        cookie = await sessions.start_session(session, account_id, first.app.state.settings)
        await session.commit()
    cookies = {sessions.SESSION_COOKIE: cookie}
    async with first.client() as one, second.client() as other:
        one.cookies.update(cookies)
        other.cookies.update(cookies)
        assert (await other.get("/api/v1/auth/me")).status_code == 200
        assert (await other.get("/api/v1/auth/me")).status_code == 200  # held
        assert (await one.post("/api/v1/auth/logout")).status_code == 204
        refused = await other.get("/api/v1/auth/me")
    assert (refused.status_code, refused.json()["code"]) == (401, "session_expired")


async def test_a_held_token_costs_no_statement(processes: tuple[Process, Process]) -> None:
    _, second = processes
    _, _, token = await _account(second.engine, "viewer")
    async with second.client(bearer(token)) as http:
        second.statements.clear()
        assert (await http.get("/api/v1/auth/tokens")).status_code == 200
        looked_up = len(second.statements)
        second.statements.clear()
        assert (await http.get("/api/v1/auth/tokens")).status_code == 200
        held = len(second.statements)
    # The route reads the account and its tokens (2); looking the token up adds the
    # token + account select and the first last-used mark; held, it adds nothing.
    assert (looked_up, held) == (4, 2)


async def test_the_cache_is_bypassed_while_the_listener_is_down(
    processes: tuple[Process, Process],
) -> None:
    _, second = processes
    _, token_id, token = await _account(second.engine, "viewer")
    async with second.client(bearer(token)) as http:
        assert (await http.get("/api/v1/auth/tokens")).status_code == 200  # now held
        with psycopg.connect(credential_cache.libpq_url(second.engine), autocommit=True) as db:
            db.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = %s",
                (credential_cache.CONNECT["application_name"],),
            )
        await _until(lambda: not second.cache.listening)
        second.statements.clear()
        assert (await http.get("/api/v1/auth/tokens")).status_code == 200
        assert len(second.statements) == 3  # the token was looked up again (+1)
        # A change the listener cannot hear about, made while it is down.
        async with make_sessionmaker(second.engine)() as session:
            revoke = update(ApiToken).where(ApiToken.id == token_id)  # type: ignore[arg-type]
            await session.execute(revoke.values(revoked_at="2026-01-01T00:00:00Z"))
            await session.commit()
        refused = await http.get("/api/v1/auth/tokens")
        assert refused.json()["code"] == "token_revoked"
        await _until(lambda: second.cache.listening)  # reconnected: in use again
        assert (await http.get("/api/v1/auth/tokens")).json()["code"] == "token_revoked"


async def test_an_entry_read_before_a_change_is_not_kept(
    processes: tuple[Process, Process],
) -> None:
    cache = processes[0].cache
    actor = Actor(account_id=7, role=Role.viewer, label="v@example.com")
    before = cache.generation()
    cache.forget_account(7)  # a notification arrives while the database is read
    cache.put("t:abc", actor, 5.0, before)
    assert cache.get("t:abc") is None
    cache.put("t:abc", actor, 5.0, cache.generation())
    assert cache.get("t:abc") == actor


async def test_nothing_is_held_without_a_listener() -> None:
    cache = credential_cache.CredentialCache()
    actor = Actor(account_id=7, role=Role.viewer, label="v@example.com")
    cache.put("t:abc", actor, 5.0, cache.generation())
    assert cache.get("t:abc") is None
