"""Single sign-on end to end against the real provider: the app under test is served in
process (its transaction rolled back after each test), the provider over HTTP."""

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Account, AuditEvent
from service.auth.oidc.attempt import ATTEMPT_COOKIE
from tests.factories import make_account, make_department, make_person
from tests.sso.conftest import USERS, OpenIdProvider
from tests.sso.walk import through_provider

ADA = USERS["ada"]["email"]
HANA = USERS["hana"]["email"]
MALLORY = USERS["mallory"]["email"]


@pytest.fixture
async def idp(openid_provider: OpenIdProvider) -> AsyncIterator[httpx.AsyncClient]:
    """A browser's view of the provider (its own cookies)."""
    async with httpx.AsyncClient(base_url=openid_provider.issuer, timeout=10) as http:
        yield http


async def _start(anon: httpx.AsyncClient, next_url: str = "/") -> str:
    response = await anon.get("/auth/oidc/login", params={"next": next_url})
    assert response.status_code == 303
    return response.headers["location"]


async def _sign_in(anon: httpx.AsyncClient, idp: httpx.AsyncClient, login: str) -> httpx.Response:
    back = await through_provider(idp, await _start(anon, "/initiatives"), login)
    return await anon.get(back)


async def _account(session: AsyncSession, email: str) -> Account | None:
    session.expire_all()
    return await session.scalar(sa.select(Account).where(col(Account.email) == email))


async def _events(session: AsyncSession, account_id: int) -> list[tuple[str, Any]]:
    stmt = (
        sa.select(col(AuditEvent.action), col(AuditEvent.after))
        .where(col(AuditEvent.entity_type) == "account", col(AuditEvent.entity_id) == account_id)
        .order_by(col(AuditEvent.id))
    )
    return [(action, after) for action, after in (await session.execute(stmt)).all()]


def _with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query)) | {name: value}
    return urlunsplit(parts._replace(query=urlencode(query)))


async def test_the_authorization_request_uses_pkce_state_and_nonce(
    anon: httpx.AsyncClient, openid_provider: OpenIdProvider
) -> None:
    query = dict(parse_qsl(urlsplit(await _start(anon)).query))
    assert query["response_type"] == "code"
    assert query["client_id"] == "cdo-portfolio"
    assert query["redirect_uri"] == "http://test/auth/oidc/callback"
    assert query["scope"] == "openid email profile"
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 43 and len(query["nonce"]) >= 43
    second = dict(parse_qsl(urlsplit(await _start(anon)).query))
    assert (second["state"], second["nonce"]) != (query["state"], query["nonce"])


async def test_first_sign_in_creates_the_account_with_the_mapped_department(
    anon: httpx.AsyncClient, idp: httpx.AsyncClient, session: AsyncSession
) -> None:
    hr = await make_department(session, code="hr", name="HR")
    person = await make_person(session, email=HANA, department_id=hr.id)
    response = await _sign_in(anon, idp, "hana")
    assert (response.status_code, response.headers["location"]) == (303, "/initiatives")
    me = (await anon.get("/api/v1/auth/me")).json()
    assert (me["email"], me["role"], me["department_id"]) == (HANA, "department_head", hr.id)
    assert me["person_id"] == person.id
    account = await _account(session, HANA)
    assert account is not None and account.password_hash is None
    assert (account.oidc_issuer, account.oidc_subject) == (str(idp.base_url).rstrip("/"), "hana")
    events = await _events(session, me["id"])
    assert [action for action, _ in events] == ["create", "sign_in"]
    assert events[0][1]["oidc_subject"] == "hana"
    assert events[1][1] == {
        "method": "oidc",
        "issuer": account.oidc_issuer,
        "role": "department_head",
    }
    assert (await anon.get("/initiatives")).status_code == 200


async def test_an_existing_account_is_linked_and_its_role_re_applied(
    anon: httpx.AsyncClient, idp: httpx.AsyncClient, session: AsyncSession
) -> None:
    existing = await make_account(session, "viewer", email=ADA)
    response = await _sign_in(anon, idp, "ada")
    assert response.status_code == 303
    account = await _account(session, ADA)
    assert account is not None
    assert (account.id, account.role, account.oidc_subject) == (existing.id, "cdo_office", "ada")
    events = await _events(session, existing.id)
    assert [action for action, _ in events] == ["update", "sign_in"]
    assert events[0][1]["role"] == "cdo_office"
    # A second sign-in finds the same account by its identity and changes nothing.
    await anon.post("/api/v1/auth/logout")
    assert (await _sign_in(anon, idp, "ada")).status_code == 303
    assert [a for a, _ in await _events(session, existing.id)] == ["update", "sign_in", "sign_in"]


async def test_an_unmapped_group_is_refused_and_no_account_created(
    anon: httpx.AsyncClient, idp: httpx.AsyncClient, session: AsyncSession
) -> None:
    response = await _sign_in(anon, idp, "mallory")
    assert response.status_code == 403
    assert "not in a group that may use this portfolio" in response.text
    assert 'href="/login"' in response.text
    assert await _account(session, MALLORY) is None
    assert "cdo_session" not in anon.cookies
    assert (await anon.get("/api/v1/auth/me")).status_code == 401


async def test_a_disabled_account_is_refused_and_left_unchanged(
    anon: httpx.AsyncClient, idp: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_account(session, "viewer", email=ADA, is_disabled=True)
    response = await _sign_in(anon, idp, "ada")
    assert response.status_code == 403
    assert f"The account {ADA} is disabled" in response.text
    account = await _account(session, ADA)
    assert account is not None and (account.role, account.oidc_subject) == ("viewer", None)
    assert "cdo_session" not in anon.cookies


async def test_a_tampered_state_is_refused(
    anon: httpx.AsyncClient, idp: httpx.AsyncClient, session: AsyncSession
) -> None:
    back = await through_provider(idp, await _start(anon), "ada")
    response = await anon.get(_with_param(back, "state", "forged-state"))
    assert response.status_code == 403
    assert "does not belong to this sign-in" in response.text
    assert await _account(session, ADA) is None


async def test_a_forged_attempt_cookie_is_refused(
    anon: httpx.AsyncClient, idp: httpx.AsyncClient, session: AsyncSession
) -> None:
    back = await through_provider(idp, await _start(anon), "ada")
    sealed = anon.cookies[ATTEMPT_COOKIE]
    anon.cookies.clear()
    anon.cookies.set(ATTEMPT_COOKIE, sealed[:-2] + ("AA" if sealed[-2:] != "AA" else "BB"))
    response = await anon.get(back)
    assert response.status_code == 403
    assert "was not started in this browser" in response.text
    assert await _account(session, ADA) is None


async def test_a_wrong_nonce_is_refused(
    anon: httpx.AsyncClient, idp: httpx.AsyncClient, session: AsyncSession
) -> None:
    # An ID token minted for another sign-in: the provider puts this nonce in it.
    url = _with_param(await _start(anon), "nonce", "someone-elses-nonce")
    response = await anon.get(await through_provider(idp, url, "ada"))
    assert response.status_code == 403
    assert "ID token failed its check" in response.text
    assert "nonce" in response.text
    assert await _account(session, ADA) is None


async def test_a_replayed_authorization_code_is_refused(
    anon: httpx.AsyncClient, idp: httpx.AsyncClient, session: AsyncSession
) -> None:
    back = await through_provider(idp, await _start(anon), "ada")
    sealed = anon.cookies[ATTEMPT_COOKIE]
    assert (await anon.get(back)).status_code == 303
    anon.cookies.clear()
    anon.cookies.set(ATTEMPT_COOKIE, sealed)
    replayed = await anon.get(back)
    assert replayed.status_code == 403
    assert "the code expired or was already used: invalid_grant" in replayed.text
    assert "cdo_session" not in anon.cookies


async def test_a_callback_without_an_attempt_is_refused(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/auth/oidc/callback", params={"code": "x", "state": "y"})
    assert response.status_code == 403
    assert "took too long or was not started in this browser" in response.text


async def test_the_providers_refusal_is_shown(anon: httpx.AsyncClient) -> None:
    state = dict(parse_qsl(urlsplit(await _start(anon)).query))["state"]
    query = {"state": state, "error": "access_denied", "error_description": "user cancelled"}
    response = await anon.get("/auth/oidc/callback", params=query)
    assert response.status_code == 403
    assert "did not sign you in: user cancelled." in response.text


async def test_the_sign_in_page_offers_the_provider(anon: httpx.AsyncClient) -> None:
    page = await anon.get("/login", params={"next": "/kpis"})
    assert 'href="/auth/oidc/login?next=/kpis"' in page.text
    assert "Sign in with Example ID" in page.text
    assert 'name="password"' in page.text


async def test_an_unreachable_provider_is_a_page_not_a_500(
    secured_app: Any, anon: httpx.AsyncClient
) -> None:
    closed = "http://127.0.0.1:9/.well-known/openid-configuration"  # the discard port
    secured_app.state.settings = secured_app.state.settings.model_copy(
        update={"oidc_discovery_url": closed}
    )
    response = await anon.get("/auth/oidc/login")
    assert response.status_code == 502
    assert "The sign-in service is unavailable" in response.text
    assert "The identity provider did not answer (ConnectError); try again later." in response.text


async def test_the_default_role_admits_unmapped_people(
    secured_app: Any, anon: httpx.AsyncClient, idp: httpx.AsyncClient, session: AsyncSession
) -> None:
    secured_app.state.settings = secured_app.state.settings.model_copy(
        update={"oidc_default_role": "viewer"}
    )
    assert (await _sign_in(anon, idp, "mallory")).status_code == 303
    account = await _account(session, MALLORY)
    assert account is not None and (account.role, account.department_id) == ("viewer", None)
