"""The past lessons closest to a proposal: closed work only, two shared words at least."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from service.lessons import service
from tests.factories import make_initiative
from tests.lessons.conftest import Library


async def closed(session: AsyncSession, library: Library, title: str, lessons: str) -> int:
    row = await make_initiative(
        session,
        department_id=library.marketing,
        status="done",
        title=title,
        user_need="",
        lessons_learned=lessons,
    )
    assert row.id is not None
    return row.id


class TestSimilarLessons:
    async def test_a_proposal_sees_closed_lessons_sharing_two_words_or_more(
        self, session: AsyncSession, library: Library
    ) -> None:
        # "Trainers for store managers" / "Store managers learn the tools alone.": the
        # onboarding lesson shares trainer, store and manager; the academy's lessons
        # (French, on trainings) share none; "live" shares trainers but is under way.
        found = await service.similar_lessons(session, library.proposal)
        assert [(h.initiative_id, h.shared_terms) for h in found] == [(library.onboarding, 3)]
        assert found[0].lessons_html == (
            "Sessions were booked before arrival; the <mark>trainers</mark> trained the"
            " <mark>store</mark> <mark>managers</mark> first."
        )

    async def test_the_three_closest_come_most_shared_words_first(
        self, session: AsyncSession, library: Library
    ) -> None:
        coached = await closed(session, library, "Coaching", "Trainers coached store managers.")
        chose = await closed(session, library, "Tooling", "Store managers chose the tools alone.")
        alone = await closed(session, library, "Alone", "Managers were left alone.")
        await closed(session, library, "Stores", "Store opening hours.")  # one word: left out
        found = await service.similar_lessons(session, library.proposal)
        assert [(h.initiative_id, h.shared_terms) for h in found] == [
            (chose, 4),  # store, manager, tool, alone
            (coached, 3),
            (library.onboarding, 3),
        ]
        assert alone not in [h.initiative_id for h in found]

    async def test_stop_words_of_either_language_do_not_count(
        self, session: AsyncSession, library: Library
    ) -> None:
        # "the" is an English stop word (not a French one), "les" a French one: sharing
        # them and one real word is not enough.
        await closed(session, library, "Words", "The tools, les outils.")
        found = await service.similar_lessons(session, library.proposal)
        assert [h.initiative_id for h in found] == [library.onboarding]

    async def test_rest_answers_the_list_and_404_for_no_initiative(
        self, client: httpx.AsyncClient, library: Library
    ) -> None:
        response = await client.get(f"/api/v1/initiatives/{library.proposal}/similar-lessons")
        assert response.status_code == 200, response.text
        found = [(h["initiative_id"], h["shared_terms"]) for h in response.json()]
        assert found == [(library.onboarding, 3)]
        missing = await client.get("/api/v1/initiatives/999999999/similar-lessons")
        assert (missing.status_code, missing.json()["code"]) == (404, "initiative_not_found")
