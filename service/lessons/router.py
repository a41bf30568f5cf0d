"""REST handlers of the lessons library."""

from typing import Annotated

from fastapi import APIRouter, Query

from service.deps import SessionDep
from service.lessons import service
from service.lessons.payloads import LessonHit, SimilarLesson
from service.pagination import Page

router = APIRouter(tags=["lessons"])

Q = Annotated[
    str,
    Query(
        description="What to look for, in French or English (web search syntax:"
        ' "a phrase", or, -word); 1 to 200 characters.'
    ),
]


@router.get("/lessons", summary="Search the lessons of done and stopped initiatives")
async def search_lessons(
    session: SessionDep,
    q: Q,
    department_id: Annotated[int | None, Query(description="Only this department's.")] = None,
    limit: Annotated[int, Query(description="Hits per page (1..100).")] = service.DEFAULT_PAGE,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
) -> Page[LessonHit]:
    """Lessons ranked best first (ts_rank_cd, then initiative id), with the hits marked;
    ranked keyset pages: pass `next_cursor` back with the same `q`."""
    hits, next_cursor = await service.search_lessons(
        session, q, department_id=department_id, limit=limit, cursor=cursor
    )
    return Page(items=hits, next_cursor=next_cursor)


@router.get(
    "/initiatives/{initiative_id}/similar-lessons",
    summary="The past lessons closest to an initiative",
)
async def similar_lessons(session: SessionDep, initiative_id: int) -> list[SimilarLesson]:
    """Up to three lessons of done or stopped initiatives sharing at least two significant
    words with this initiative's title, user need and hypothesis, closest first."""
    return await service.similar_lessons(session, initiative_id)
