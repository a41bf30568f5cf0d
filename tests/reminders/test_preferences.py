"""Email preferences: REST (`/api/v1/me/notifications`) and the page, audited."""

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from schema import AuditEvent
from tests.auth.helpers import bearer
from tests.factories import make_account, make_token
from tests.pages.conftest import SignIn


async def _token(session: AsyncSession) -> tuple[int, str]:
    account = await make_account(session, role="contributor", email="owner@example.com")
    token = await make_token(session, account)
    await session.commit()
    return int(account.id), token


async def test_an_account_turns_reminders_off_and_on_through_rest(
    session: AsyncSession, anon: httpx.AsyncClient
) -> None:
    account_id, token = await _token(session)
    headers = bearer(token)
    before = await anon.get("/api/v1/me/notifications", headers=headers)
    assert (before.status_code, before.json()) == (200, {"reminders": True, "digest": True})
    off = await anon.patch("/api/v1/me/notifications", json={"reminders": False}, headers=headers)
    assert (off.status_code, off.json()) == (200, {"reminders": False, "digest": True})
    on = await anon.patch(
        "/api/v1/me/notifications", json={"digest": False, "reminders": True}, headers=headers
    )
    assert on.json() == {"reminders": True, "digest": False}
    assert (await anon.get("/api/v1/me/notifications", headers=headers)).json() == on.json()
    trail = await session.execute(
        sa.select(AuditEvent.action, AuditEvent.before, AuditEvent.after)
        .where(
            AuditEvent.entity_type == "notification_preference", AuditEvent.entity_id == account_id
        )
        .order_by(AuditEvent.id)
    )
    assert [tuple(row) for row in trail] == [
        (
            "create",
            None,
            {"account_id": account_id, "reminders": False, "digest": True, "version": 1},
        ),
        (
            "update",
            {"reminders": False, "digest": True},
            {"reminders": True, "digest": False},
        ),
    ]


async def test_bad_preferences_are_refused_on_their_field(
    session: AsyncSession, anon: httpx.AsyncClient
) -> None:
    _, token = await _token(session)
    headers = bearer(token)
    null = await anon.patch("/api/v1/me/notifications", json={"reminders": None}, headers=headers)
    assert null.status_code == 422
    assert null.headers["content-type"].startswith("application/problem+json")
    assert null.json()["detail"] == "reminders: true or false is required."
    unknown = await anon.patch("/api/v1/me/notifications", json={"sms": True}, headers=headers)
    assert unknown.status_code == 422
    assert unknown.headers["content-type"].startswith("application/problem+json")
    word = await anon.patch("/api/v1/me/notifications", json={"digest": "maybe"}, headers=headers)
    assert word.status_code == 422


async def test_credentials_without_an_account_have_no_preferences(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/v1/me/notifications")
    assert response.status_code == 404
    assert response.json()["code"] == "account_not_found"


async def test_the_email_page_saves_an_opt_out(sign_in: SignIn) -> None:
    browser = await sign_in("cdo_office")
    page = await browser.get("/notifications")
    assert page.status_code == 200
    assert 'name="reminders" checked' in page.text and 'name="digest" checked' in page.text
    assert '<a href="/notifications" aria-current="page">Email</a>' in page.text
    saved = await browser.post("/notifications", {"reminders": "on"})
    assert (saved.status_code, saved.headers["location"]) == (303, "/notifications")
    again = await browser.get("/notifications")
    assert "Email preferences saved." in again.text
    assert 'name="reminders" checked' in again.text
    assert 'name="digest" checked' not in again.text
    api = await browser.get("/api/v1/me/notifications")
    assert api.json() == {"reminders": True, "digest": False}
