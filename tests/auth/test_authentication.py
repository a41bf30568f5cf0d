"""Authentication on every API route: tokens, their lifecycle, and what stays public."""

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import ApiToken
from tests.auth.helpers import bearer
from tests.factories import make_account, make_department, make_token


async def test_no_credentials_is_401_with_bearer_challenge(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/api/v1/departments")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == 'Bearer realm="cdo-portfolio"'
    assert response.json()["code"] == "unauthorized"


async def test_health_and_docs_stay_public(anon: httpx.AsyncClient) -> None:
    assert (await anon.get("/healthz")).status_code == 200
    assert (await anon.get("/openapi.json")).status_code == 200
    assert (await anon.get("/docs")).status_code == 200


async def test_valid_token_reads(anon: httpx.AsyncClient, session: AsyncSession) -> None:
    await make_department(session, code="hr")
    token = await make_token(session, await make_account(session, "viewer"))
    response = await anon.get("/api/v1/departments", headers=bearer(token))
    assert response.status_code == 200
    assert "hr" in [d["code"] for d in response.json()["items"]]


async def test_unknown_token_is_401(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/api/v1/departments", headers=bearer("cdo_not-a-token"))
    assert (response.status_code, response.json()["code"]) == (401, "invalid_token")


async def test_other_scheme_is_401(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/api/v1/departments", headers={"Authorization": "Basic eDp5"})
    assert (response.status_code, response.json()["code"]) == (401, "invalid_token")


async def test_revoked_token_is_401(anon: httpx.AsyncClient, session: AsyncSession) -> None:
    account = await make_account(session, "cdo_office")
    token = await make_token(session, account, revoked_at=datetime.now(UTC))
    response = await anon.get("/api/v1/departments", headers=bearer(token))
    assert (response.status_code, response.json()["code"]) == (401, "token_revoked")


async def test_expired_token_is_401(anon: httpx.AsyncClient, session: AsyncSession) -> None:
    account = await make_account(session, "cdo_office")
    token = await make_token(session, account, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    response = await anon.get("/api/v1/departments", headers=bearer(token))
    assert (response.status_code, response.json()["code"]) == (401, "token_expired")


async def test_disabled_account_is_401(anon: httpx.AsyncClient, session: AsyncSession) -> None:
    account = await make_account(session, "cdo_office", is_disabled=True)
    token = await make_token(session, account)
    response = await anon.get("/api/v1/departments", headers=bearer(token))
    assert (response.status_code, response.json()["code"]) == (401, "account_disabled")


async def test_bi_reader_reads_but_never_writes(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    token = await make_token(session, await make_account(session, "bi_reader"))
    assert (await anon.get("/api/v1/kpis", headers=bearer(token))).status_code == 200
    response = await anon.post(
        "/api/v1/departments", json={"code": "x", "name": "X"}, headers=bearer(token)
    )
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


async def test_last_used_is_recorded_at_most_once_a_minute(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    token = await make_token(session, await make_account(session, "viewer"))
    stored = await session.scalar(select(ApiToken))
    assert stored is not None and stored.last_used_at is None
    await anon.get("/api/v1/departments", headers=bearer(token))
    await session.refresh(stored)
    first_use = stored.last_used_at
    assert first_use is not None
    await anon.get("/api/v1/departments", headers=bearer(token))
    await session.refresh(stored)
    assert stored.last_used_at == first_use


async def test_request_id_is_echoed_or_generated(anon: httpx.AsyncClient) -> None:
    given = await anon.get("/healthz", headers={"X-Request-ID": "req-42"})
    assert given.headers["x-request-id"] == "req-42"
    fresh = await anon.get("/healthz", headers={"X-Request-ID": "not valid!"})
    assert len(fresh.headers["x-request-id"]) == 32
