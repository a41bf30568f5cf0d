"""The lessons search: French and English stemming, ranking, highlights, pages, errors."""

from datetime import datetime
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Initiative
from service.lessons import service
from tests.auth.helpers import bearer
from tests.factories import make_account, make_initiative, make_token
from tests.lessons.conftest import Library

API = "/api/v1/lessons"


async def titles(session: AsyncSession, q: str, **kwargs: Any) -> list[str]:
    hits, _ = await service.search_lessons(session, q, **kwargs)
    return [hit.title for hit in hits]


class TestLanguages:
    async def test_a_french_query_finds_the_french_lesson(
        self, session: AsyncSession, library: Library
    ) -> None:
        hits, next_cursor = await service.search_lessons(session, "formations annulées")
        assert [(h.initiative_id, h.status, h.department_code) for h in hits] == [
            (library.academy, "done", "hr")
        ]
        assert hits[0].lessons_html == (
            "Les <mark>formations</mark> en ligne ont été <mark>annulées</mark>"
            " faute de remplaçants en magasin."
        )
        assert next_cursor is None

    async def test_french_stemming_matches_the_singular(
        self, session: AsyncSession, library: Library
    ) -> None:
        assert await titles(session, "formation annulée") == ["Digital skills academy"]

    async def test_english_stemming_matches_trained_to_training(
        self, session: AsyncSession, library: Library
    ) -> None:
        hits, _ = await service.search_lessons(session, "training")
        assert [h.title for h in hits] == ["Digital onboarding"]
        assert hits[0].lessons_html == (
            "Sessions were booked before arrival; the trainers <mark>trained</mark>"
            " the store managers first."
        )


class TestWhatIsALesson:
    async def test_work_under_way_and_closed_work_without_lessons_are_not_found(
        self, session: AsyncSession, library: Library
    ) -> None:
        # "live" (in progress) says "Training sessions were cancelled"; "silent" (done)
        # is titled "Training catalogue" but wrote no lesson.
        assert await titles(session, "cancelled") == []
        assert await titles(session, "catalogue") == []

    async def test_a_lesson_is_found_once_its_initiative_closes_and_when_it_closed(
        self, session: AsyncSession, library: Library
    ) -> None:
        live = await session.get(Initiative, library.live)
        assert live is not None
        live.status = "done"
        await session.flush()
        now = await session.scalar(sa.select(sa.func.now()))
        hits, _ = await service.search_lessons(session, "cancelled")
        assert [(h.title, h.closed_at) for h in hits] == [("Training portal", now)]
        # Created closed (e.g. imported): closed at an unknown moment.
        hits, _ = await service.search_lessons(session, "HRIS access")
        assert [(h.title, h.closed_at) for h in hits] == [("Self-service chatbot", None)]

    async def test_a_lesson_written_later_is_found(
        self, session: AsyncSession, library: Library
    ) -> None:
        silent = await session.get(Initiative, library.silent)
        assert silent is not None
        silent.lessons_learned = "Nobody opened the catalogue."
        await session.flush()
        assert await titles(session, "catalogue") == ["Training catalogue"]


class TestRanking:
    async def test_lessons_rank_above_titles_and_more_hits_above_fewer(
        self, session: AsyncSession, library: Library
    ) -> None:
        hits, _ = await service.search_lessons(session, "HRIS")
        # HRIS twice in the chatbot's lessons (weight A), once in the export's title (B).
        assert [(h.title, h.title_html) for h in hits] == [
            ("Self-service chatbot", "Self-service chatbot"),
            ("HRIS export to the CRM", "<mark>HRIS</mark> export to the CRM"),
        ]
        assert hits[0].rank > hits[1].rank

    async def test_a_department_filter_keeps_its_lessons(
        self, session: AsyncSession, library: Library
    ) -> None:
        assert await titles(session, "HRIS", department_id=library.hr) == []
        marketing = await titles(session, "HRIS", department_id=library.marketing)
        assert marketing == ["Self-service chatbot", "HRIS export to the CRM"]


class TestHighlights:
    async def test_everything_but_the_marks_is_escaped(
        self, session: AsyncSession, library: Library
    ) -> None:
        await make_initiative(
            session,
            department_id=library.hr,
            status="done",
            title='Budget <img src=x onerror="alert(1)"> & tools',
            lessons_learned='Budget < 10k & "quotes" \ue000kept\ue001 <b>bold</b> mattered.',
        )
        hits, _ = await service.search_lessons(session, "budget")
        assert [(h.title_html, h.lessons_html) for h in hits] == [
            (
                "<mark>Budget</mark> &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; tools",
                # The excerpt leaves tags out; the marker characters typed are dropped.
                "<mark>Budget</mark> &lt; 10k &amp; &quot;quotes&quot; kept  bold  mattered.",
            )
        ]


class TestPages:
    async def test_ranked_pages_follow_each_other_without_repeats(
        self, session: AsyncSession, library: Library
    ) -> None:
        seen, cursor, pages = [], None, 0
        while True:
            hits, cursor = await service.search_lessons(
                session, "HRIS or formations or trained", limit=1, cursor=cursor
            )
            seen += [h.title for h in hits]
            pages += 1
            if cursor is None:
                break
        everything = await titles(session, "HRIS or formations or trained")
        assert seen == everything
        assert sorted(seen) == [
            "Digital onboarding",
            "Digital skills academy",
            "HRIS export to the CRM",
            "Self-service chatbot",
        ]
        assert pages == 4


class TestRest:
    async def test_search_answers_hits_and_the_next_cursor(
        self, client: httpx.AsyncClient, library: Library
    ) -> None:
        response = await client.get(API, params={"q": "HRIS", "limit": 1})
        assert response.status_code == 200, response.text
        body = response.json()
        hit = body["items"][0]
        assert {k: hit[k] for k in ("initiative_id", "status", "department_name")} == {
            "initiative_id": library.chatbot,
            "status": "stopped",
            "department_name": "Marketing",
        }
        assert hit["lessons_html"] == (
            "The bot had no <mark>HRIS</mark> access and answered 22% of questions."
            " <mark>HRIS</mark> access comes first."
        )
        following = await client.get(API, params={"q": "HRIS", "cursor": body["next_cursor"]})
        assert [h["initiative_id"] for h in following.json()["items"]] == [library.export]
        assert following.json()["next_cursor"] is None

    async def test_an_empty_or_too_long_query_is_a_422_naming_q(
        self, client: httpx.AsyncClient, library: Library
    ) -> None:
        for q, code in (("   ", "query_empty"), ("x" * 201, "query_too_long")):
            response = await client.get(API, params={"q": q})
            assert response.status_code == 422
            assert response.headers["content-type"] == "application/problem+json"
            assert (response.json()["code"], response.json()["field"]) == (code, "q")
        missing = await client.get(API)
        assert missing.status_code == 422

    async def test_a_foreign_cursor_or_page_size_is_a_422(
        self, client: httpx.AsyncClient, library: Library
    ) -> None:
        response = await client.get(API, params={"q": "HRIS", "cursor": "bm90LWEtY3Vyc29y"})
        assert (response.status_code, response.json()["field"]) == (422, "cursor")
        response = await client.get(API, params={"q": "HRIS", "limit": 101})
        assert (response.status_code, response.json()["field"]) == (422, "limit")

    async def test_a_department_head_reads_every_departments_lessons(
        self, anon: httpx.AsyncClient, session: AsyncSession, library: Library
    ) -> None:
        head = await make_account(session, "department_head", department_id=library.hr)
        headers = bearer(await make_token(session, head))
        response = await anon.get(API, params={"q": "HRIS"}, headers=headers)
        assert response.status_code == 200, response.text
        found = [(h["initiative_id"], h["department_code"]) for h in response.json()["items"]]
        assert found == [(library.chatbot, "marketing"), (library.export, "marketing")]

    async def test_searching_needs_credentials(self, anon: httpx.AsyncClient) -> None:
        response = await anon.get(API, params={"q": "HRIS"})
        assert response.status_code == 401


def test_closed_at_is_a_datetime_or_null() -> None:
    annotation = service.LessonHit.model_fields["closed_at"].annotation
    assert annotation == datetime | None
