"""A small lessons library: closed initiatives of HR and marketing with lessons in French
and English, work still under way with the same words, and a proposal."""

from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_department, make_initiative, make_person


@dataclass(frozen=True)
class Library:
    """Ids of the departments and initiatives the tests search."""

    hr: int
    marketing: int
    academy: int  # done, HR, French lessons on cancelled trainings
    onboarding: int  # done, HR, English lessons on training
    chatbot: int  # stopped, marketing, HRIS twice in its lessons
    export: int  # done, marketing, HRIS in its title only
    live: int  # in progress, HR, training words: not a lesson yet
    silent: int  # done, HR, no lessons written
    proposal: int  # proposed, HR, about trainers for store managers


@pytest.fixture
async def library(session: AsyncSession) -> Library:
    hr = await make_department(session, code="hr", name="Human Resources")
    marketing = await make_department(session, code="marketing", name="Marketing")
    owner = await make_person(session, department_id=hr.id)

    async def initiative(department: int, status: str, title: str, **fields: str) -> int:
        row = await make_initiative(
            session,
            department_id=department,
            owner_id=owner.id,
            status=status,
            title=title,
            **fields,
        )
        assert row.id is not None
        return row.id

    ids = {
        "academy": await initiative(
            hr.id,
            "done",
            "Digital skills academy",
            user_need="Staff avoid the new tools.",
            lessons_learned="Les formations en ligne ont été annulées faute de remplaçants"
            " en magasin.",
        ),
        "onboarding": await initiative(
            hr.id,
            "done",
            "Digital onboarding",
            user_need="New hires wait a week for their accounts.",
            lessons_learned="Sessions were booked before arrival; the trainers trained the"
            " store managers first.",
        ),
        "chatbot": await initiative(
            marketing.id,
            "stopped",
            "Self-service chatbot",
            user_need="The same questions come back every day.",
            lessons_learned="The bot had no HRIS access and answered 22% of questions."
            " HRIS access comes first.",
        ),
        "export": await initiative(
            marketing.id,
            "done",
            "HRIS export to the CRM",
            user_need="Sales re-type contacts.",
            lessons_learned="Nightly exports were enough.",
        ),
        "live": await initiative(
            hr.id,
            "in_progress",
            "Training portal",
            user_need="Trainers and HRIS data in one place.",
            lessons_learned="Training sessions were cancelled.",
        ),
        "silent": await initiative(hr.id, "done", "Training catalogue", user_need="Trainers."),
        "proposal": await initiative(
            hr.id,
            "proposed",
            "Trainers for store managers",
            user_need="Store managers learn the tools alone.",
        ),
    }
    return Library(hr=hr.id, marketing=marketing.id, **ids)  # type: ignore[arg-type]
