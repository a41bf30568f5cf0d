"""The Lessons page and "Lessons from past work" on a proposal's page."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from service.auth import sessions
from tests.auth.helpers import signed_in
from tests.factories import make_account, make_initiative
from tests.lessons.conftest import Library


@pytest.fixture
async def browser(
    secured_app: Any, session: AsyncSession, library: Library
) -> AsyncIterator[httpx.AsyncClient]:
    """A viewer signed in to the pages."""
    account = await make_account(session, role="viewer")
    cookie, _ = await signed_in(session, secured_app, account.id)
    await session.commit()  # released, not committed: the test still rolls back
    transport = httpx.ASGITransport(app=secured_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        http.cookies.set(sessions.SESSION_COOKIE, cookie)
        yield http


async def test_the_lessons_page_shows_the_marked_hits(
    browser: httpx.AsyncClient, library: Library
) -> None:
    response = await browser.get("/lessons", params={"q": "formations annulées"})
    assert response.status_code == 200
    html = response.text
    assert '<a href="/lessons" aria-current="page">Lessons</a>' in html
    assert f'<a href="/initiatives/{library.academy}">' in html
    assert (
        "Les <mark>formations</mark> en ligne ont été <mark>annulées</mark> faute de"
        " remplaçants en magasin." in html
    )
    assert "Digital onboarding" not in html


async def test_the_page_escapes_what_initiatives_say(
    browser: httpx.AsyncClient, session: AsyncSession, library: Library
) -> None:
    await make_initiative(
        session,
        department_id=library.hr,
        status="stopped",
        title="<script>alert(1)</script> Budget",
        lessons_learned="Budget <b>cut</b> & stopped.",
    )
    await session.commit()
    html = (await browser.get("/lessons", params={"q": "budget"})).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Budget</mark>" in html


async def test_a_too_long_query_says_so_and_an_empty_one_shows_the_form(
    browser: httpx.AsyncClient, library: Library
) -> None:
    response = await browser.get("/lessons", params={"q": "x" * 201})
    assert response.status_code == 422
    assert "q is 201 characters long; at most 200 are searched." in response.text
    empty = await browser.get("/lessons")
    assert empty.status_code == 200
    assert "Lessons matching" not in empty.text


async def test_a_proposal_page_shows_lessons_from_past_work(
    browser: httpx.AsyncClient, library: Library
) -> None:
    html = (await browser.get(f"/initiatives/{library.proposal}")).text
    assert "Lessons from past work" in html
    assert f'<a href="/initiatives/{library.onboarding}">' in html
    assert "the <mark>trainers</mark> trained the <mark>store</mark>" in html
    closed = (await browser.get(f"/initiatives/{library.onboarding}")).text
    assert "Lessons from past work" not in closed
