"""The lessons library page, and the past lessons a proposal's page shows."""

from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Department
from schema.enums import InitiativeStatus
from service.errors import ValidationFailed
from service.lessons import service as lessons
from service.lessons.payloads import LessonHit
from service.pages.views import options


@dataclass(frozen=True)
class ShownHit:
    """A hit as a page shows it: its highlights as markup (escaped, hits in <mark>)."""

    hit: LessonHit
    title: Markup
    lessons: Markup

    @classmethod
    def of(cls, hit: LessonHit) -> "ShownHit":
        # The service escaped every character and added only <mark> tags.
        return cls(hit, Markup(hit.title_html), Markup(hit.lessons_html))


@dataclass(frozen=True)
class LessonSearchPage:
    q: str
    department_id: int | None
    departments: list[Department]
    hits: list[ShownHit] = field(default_factory=list)
    next_url: str | None = None
    first_url: str | None = None
    on_first: bool = True
    error: str | None = None

    @property
    def searched(self) -> bool:
        return bool(self.q.strip()) and self.error is None


def _department(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def _url(q: str, department_id: int | None, cursor: str | None = None) -> str:
    pairs: list[tuple[str, Any]] = [("q", q), ("department", department_id), ("cursor", cursor)]
    return "/lessons?" + urlencode([(k, v) for k, v in pairs if v not in (None, "")])


async def search_page(
    session: AsyncSession, q: str, department: str, cursor: str
) -> LessonSearchPage:
    """The search form and, once something is asked, one ranked page of hits."""
    department_id = _department(department)
    page = LessonSearchPage(q, department_id, await options.departments(session))
    if not q.strip():
        return page
    try:
        hits, next_cursor = await lessons.search_lessons(
            session, q, department_id=department_id, cursor=cursor or None
        )
    except ValidationFailed as exc:
        return replace(page, error=exc.detail)
    return replace(
        page,
        hits=[ShownHit.of(hit) for hit in hits],
        next_url=_url(q, department_id, next_cursor) if next_cursor else None,
        first_url=_url(q, department_id),
        on_first=not cursor,
    )


async def for_initiative(session: AsyncSession, initiative: Any) -> list[ShownHit]:
    """On a proposal's page: the closest past lessons (none for other statuses)."""
    if initiative.status != InitiativeStatus.proposed:
        return []
    found = await lessons.similar_lessons(session, initiative.id)
    return [ShownHit.of(hit) for hit in found]
