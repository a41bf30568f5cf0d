"""PASSWORD_LOGIN_ENABLED=false: the sign-in page offers only the provider, both password
sign-in endpoints refuse, API tokens keep working."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from service import first_run
from service.config import Settings
from tests.auth.helpers import bearer
from tests.factories import make_account, make_token
from tests.sso.conftest import OpenIdProvider, sso_settings

PASSWORD = "correct-horse-1"  # tests.factories.make_account(with_password=True)


@pytest.fixture
def settings(openid_provider: OpenIdProvider) -> Settings:
    return sso_settings(openid_provider, password_login_enabled=False)


async def test_the_sign_in_page_shows_only_the_provider(anon: httpx.AsyncClient) -> None:
    page = await anon.get("/login")
    assert page.status_code == 200
    assert "Sign in with Example ID" in page.text
    assert 'name="password"' not in page.text


async def test_the_first_account_hint_points_to_single_sign_on(anon: httpx.AsyncClient) -> None:
    page = await anon.get("/login")
    assert first_run.SSO_FIRST_ACCOUNT_HINT in page.text
    assert "create-account" not in page.text


async def test_the_api_refuses_a_password_sign_in(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_account(session, "cdo_office", email="pat@example.com", with_password=True)
    body = {"email": "pat@example.com", "password": PASSWORD}
    response = await anon.post("/api/v1/auth/login", json=body)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "password_login_disabled"
    assert problem["detail"] == (
        "Sign-in with a password is turned off here. Sign in with Example ID."
    )
    assert "cdo_session" not in response.cookies


async def test_the_page_refuses_a_password_sign_in(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_account(session, "cdo_office", email="pat@example.com", with_password=True)
    body = {"email": "pat@example.com", "password": PASSWORD, "next": "/"}
    response = await anon.post("/login", data=body)
    assert response.status_code == 403
    assert "Sign-in with a password is turned off here." in response.text
    assert "cdo_session" not in response.cookies


async def test_api_tokens_still_work(anon: httpx.AsyncClient, session: AsyncSession) -> None:
    account = await make_account(session, "bi_reader", email="bi@example.com")
    token = await make_token(session, account)
    response = await anon.get("/api/v1/auth/me", headers=bearer(token))
    assert (response.status_code, response.json()["email"]) == (200, "bi@example.com")
