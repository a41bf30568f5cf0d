"""Pages: the signed-in account's API tokens."""

import re

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import ApiToken
from tests.factories import make_account, make_token
from tests.pages.conftest import Browser, World


async def test_empty_state(viewer: Browser) -> None:
    response = await viewer.get("/tokens")
    assert response.status_code == 200
    assert "No token yet — create one to connect a BI tool or a script." in response.text


async def test_a_new_token_is_shown_once_and_works(
    viewer: Browser, anon: httpx.AsyncClient, world: World
) -> None:
    response = await viewer.post("/tokens", {"name": "Power BI refresh", "expires_in": "90"})
    assert response.status_code == 303
    shown = (await viewer.get("/tokens")).text
    match = re.search(r'<code id="new-secret">(cdo_[^<]+)</code>', shown)
    assert match is not None
    token = match.group(1)
    assert "Power BI refresh" in shown
    api = await anon.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    again = (await viewer.get("/tokens")).text
    assert token not in again  # shown once


async def test_a_token_needs_a_name(viewer: Browser) -> None:
    response = await viewer.post("/tokens", {"name": " ", "expires_in": "30"})
    assert response.status_code == 422
    assert '<p class="error" id="e-name">Say what the token is for' in response.text
    bad = await viewer.post("/tokens", {"name": "x", "expires_in": "7"})
    assert '<p class="error" id="e-expires_in">Choose one of the offered lifetimes.</p>' in bad.text


async def test_revoke_a_token(viewer: Browser, session: AsyncSession) -> None:
    await make_token(session, viewer.account, name="old script")
    await session.commit()
    token_id = await session.scalar(
        select(ApiToken.id).where(ApiToken.account_id == viewer.account.id)
    )
    response = await viewer.post(f"/tokens/{token_id}/revoke")
    assert response.status_code == 303
    page = (await viewer.get("/tokens")).text
    assert "revoked." in page and "Revoked</span>" in page
    assert f'action="/tokens/{token_id}/revoke"' not in page


async def test_someone_elses_token_cannot_be_revoked(
    viewer: Browser, session: AsyncSession
) -> None:
    other = await make_account(session, "viewer")
    await make_token(session, other, name="theirs")
    await session.commit()
    token_id = await session.scalar(select(ApiToken.id).where(ApiToken.account_id == other.id))
    response = await viewer.post(f"/tokens/{token_id}/revoke")
    assert response.status_code == 403
    assert "may not manage accounts" in response.text
