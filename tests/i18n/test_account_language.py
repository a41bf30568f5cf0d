"""An account's own language: set through REST or the pages' picker, used on its very next
request (even one held by the credential cache), whatever its browser asks for."""

import asyncio
import random
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service import migrate
from service.actor import SYSTEM
from service.auth import accounts, credential_cache, sessions, tokens
from service.auth.payloads import AccountCreate
from service.config import Settings
from service.db import make_engine, make_sessionmaker
from service.main import create_app
from service.pages.forms import FLASH_COOKIE
from tests.auth.helpers import bearer, signed_in
from tests.dbutil import scratch_database
from tests.factories import make_account, make_token

ME = "/api/v1/auth/me"


async def _audited(session: AsyncSession, account_id: int) -> list[tuple[Any, Any]]:
    rows = await session.execute(
        text(
            "SELECT before, after FROM audit_event WHERE entity_type = 'account'"
            " AND entity_id = :id AND action = 'update' ORDER BY id"
        ),
        {"id": account_id},
    )
    return [(before["locale"], after["locale"]) for before, after in rows.all()]


async def test_an_account_sets_and_reads_its_own_language(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer")
    anon.headers.update(bearer(await make_token(session, account)))
    assert (await anon.get(ME)).json()["locale"] is None
    chosen = await anon.patch(ME, json={"locale": "fr"})
    assert (chosen.status_code, chosen.json()["locale"]) == (200, "fr")
    assert (await anon.get(ME)).json()["locale"] == "fr"
    cleared = await anon.patch(ME, json={"locale": None})
    assert (cleared.status_code, cleared.json()["locale"]) == (200, None)
    assert await _audited(session, account.id) == [(None, "fr"), ("fr", None)]


async def test_a_bi_reader_chooses_its_language_too(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await make_account(session, "bi_reader")
    response = await anon.patch(
        ME, json={"locale": "en"}, headers=bearer(await make_token(session, account))
    )
    assert (response.status_code, response.json()["locale"]) == (200, "en")


@pytest.mark.parametrize(
    "body", [{"locale": "de"}, {"locale": "FR"}, {"locale": 1}, {}, {"role": "cdo_office"}]
)
async def test_anything_but_a_language_is_422_naming_the_field(
    anon: httpx.AsyncClient, session: AsyncSession, body: dict[str, Any]
) -> None:
    account = await make_account(session, "viewer")
    response = await anon.patch(ME, json=body, headers=bearer(await make_token(session, account)))
    assert (response.status_code, response.json()["field"]) == (422, "locale")


async def test_the_cdo_office_sets_an_accounts_language(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    admin = await make_account(session, "cdo_office")
    viewer = await make_account(session, "viewer")
    response = await anon.patch(
        f"/api/v1/accounts/{viewer.id}",
        json={"locale": "fr"},
        headers={**bearer(await make_token(session, admin)), "If-Match": '"1"'},
    )
    assert (response.status_code, response.json()["locale"]) == (200, "fr")


async def test_a_french_account_is_answered_in_french_whatever_its_browser_asks(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await make_account(session, "cdo_office", locale="fr")
    english = {**bearer(await make_token(session, account)), "Accept-Language": "en"}
    response = await anon.get(ME, headers=english)
    assert (response.status_code, response.headers["content-language"]) == (200, "fr")
    empty = await anon.post("/api/v1/import", files={"file": ("people.csv", b"")}, headers=english)
    assert (empty.status_code, empty.json()["problems"][0]["message"]) == (
        422,
        "Le fichier est vide.",
    )


async def _page_client(
    anon: httpx.AsyncClient, session: AsyncSession, app: Any, **fields: Any
) -> tuple[int, str]:
    account = await make_account(session, "viewer", **fields)
    cookie, csrf = await signed_in(session, app, account.id)
    anon.cookies.set(sessions.SESSION_COOKIE, cookie)
    return account.id, csrf


async def test_the_picker_switches_the_pages_and_says_so_in_the_new_language(
    anon: httpx.AsyncClient, session: AsyncSession, secured_app: Any
) -> None:
    account_id, csrf = await _page_client(anon, session, secured_app)
    posted = await anon.post(
        "/account/language",
        data={"locale": "fr", sessions.CSRF_FIELD: csrf},
        headers={"Referer": "http://test/notifications?tab=1"},
    )
    assert (posted.status_code, posted.headers["location"]) == (303, "/notifications?tab=1")
    page = await anon.get("/notifications", headers={"Accept-Language": "en"})
    assert page.headers["content-language"] == "fr"
    assert '<html lang="fr"' in page.text
    assert "Langue enregistrée." in page.text
    assert await _audited(session, account_id) == [(None, "fr")]


async def test_the_browser_language_is_chosen_with_a_blank_and_spoken_at_once(
    anon: httpx.AsyncClient, session: AsyncSession, secured_app: Any
) -> None:
    _, csrf = await _page_client(anon, session, secured_app, locale="fr")
    posted = await anon.post(
        "/account/language",
        data={"locale": "", sessions.CSRF_FIELD: csrf},
        headers={"Referer": "https://elsewhere.example/notifications", "Accept-Language": "en"},
    )
    assert (posted.status_code, posted.headers["location"]) == (303, "/")
    assert FLASH_COOKIE in posted.cookies
    page = await anon.get("/notifications", headers={"Accept-Language": "en"})
    assert (page.headers["content-language"], "Language saved." in page.text) == ("en", True)


async def test_the_picker_refuses_a_forged_form(
    anon: httpx.AsyncClient, session: AsyncSession, secured_app: Any
) -> None:
    await _page_client(anon, session, secured_app)
    forged = await anon.post("/account/language", data={"locale": "fr"})
    assert forged.status_code == 403


async def test_the_picker_refuses_an_unknown_language(
    anon: httpx.AsyncClient, session: AsyncSession, secured_app: Any
) -> None:
    _, csrf = await _page_client(anon, session, secured_app)
    unknown = await anon.post("/account/language", data={"locale": "de", sessions.CSRF_FIELD: csrf})
    assert unknown.status_code == 422
    assert "Choose English, French, or the browser&#39;s language." in unknown.text


@pytest.fixture(scope="module")
def committed_url(database_url: str) -> Iterator[str]:
    with scratch_database(database_url, "locale") as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture
async def listening_app(committed_url: str) -> AsyncIterator[Any]:
    """An application whose credential cache listens, on a database whose writes commit."""
    settings = Settings(database_url=committed_url)
    engine = make_engine(committed_url, settings)
    app = create_app(settings, engine=engine)
    async with credential_cache.listening(engine) as cache:
        app.state.credential_cache = cache
        for _ in range(500):
            if cache.listening:
                break
            await asyncio.sleep(0.01)
        yield app
    await engine.dispose()


async def test_the_credential_cache_picks_the_new_language_on_the_next_request(
    listening_app: Any,
) -> None:
    assert listening_app.state.credential_cache.listening
    async with make_sessionmaker(listening_app.state.engine)() as session:
        email = f"locale-{random.randrange(10**9)}@example.com"
        account = await accounts.create_account(
            session, SYSTEM, AccountCreate(email=email, role="viewer")
        )
        _, token = await tokens.create_token(session, SYSTEM, accounts.account_id(account))
        await session.commit()
    transport = httpx.ASGITransport(app=listening_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers=bearer(token)
    ) as client:
        assert (await client.get(ME)).headers["content-language"] == "en"  # now held
        assert (await client.patch(ME, json={"locale": "fr"})).status_code == 200
        assert (await client.get(ME)).headers["content-language"] == "fr"
