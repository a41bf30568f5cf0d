"""Search the lessons of done and stopped initiatives, and find those closest to a proposal.

Read access is the portfolio's: every account that reads sees every department's lessons.
Pages of a search are ranked keyset pages: best first by rank, then by initiative id, and
the cursor holds the last (rank, id) seen, so a page never repeats or skips a hit while
the lessons stay as they were.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Initiative
from service import crud
from service.errors import ValidationFailed
from service.i18n import gettext as _
from service.lessons import queries
from service.lessons.highlight import best
from service.lessons.payloads import LessonHit, SimilarLesson
from service.pagination import pack, unpack

QUERY_MAX = 200
DEFAULT_PAGE = 20
MAX_PAGE = 100
# A proposal page shows this many past lessons, each sharing at least MIN_SHARED words.
SIMILAR_COUNT = 3
MIN_SHARED = 2
# A word in more than 5% of the lessons, and in more than 50 of them, is too common to
# make two pieces of work similar.
COMMON_SHARE = 0.05
COMMON_COUNT = 50


def search_text(q: str | None) -> str:
    """The query as searched (trimmed); 422 on `q` when it is empty or too long."""
    text = (q or "").strip()
    if not text:
        raise ValidationFailed(
            _("Say what to look for: q is empty."), code="query_empty", field="q"
        )
    if len(text) > QUERY_MAX:
        raise ValidationFailed(
            _("q is %(n)s characters long; at most %(max)s are searched.")
            % {"n": len(text), "max": QUERY_MAX},
            code="query_too_long",
            field="q",
        )
    if "\x00" in text:
        raise ValidationFailed(_("q must not contain NUL characters."), field="q")
    return text


def page_size(size: int | None, *, field: str = "limit") -> int:
    """`size` (default DEFAULT_PAGE), 422 on `field` outside 1..MAX_PAGE."""
    wanted = DEFAULT_PAGE if size is None else size
    if not 1 <= wanted <= MAX_PAGE:
        raise ValidationFailed(
            _("%(field)s must be between 1 and %(max)s (got %(n)s).")
            % {"field": field, "max": MAX_PAGE, "n": wanted},
            code="page_size_exceeded",
            field=field,
        )
    return wanted


def encode_cursor(rank: float, initiative_id: int) -> str:
    """An opaque cursor pointing after the hit (rank, initiative id)."""
    return pack({"rank": rank, "after": initiative_id})


def decode_cursor(cursor: str | None, *, field: str = "cursor") -> tuple[float, int] | None:
    """The (rank, initiative id) a cursor points after; 422 on `field` when malformed."""
    if not cursor:
        return None
    try:
        value = unpack(cursor)
        rank, after = value["rank"], value["after"]
    except (ValueError, KeyError, TypeError):
        rank = after = None
    numeric = isinstance(rank, int | float) and not isinstance(rank, bool)
    if not numeric or not isinstance(after, int) or isinstance(after, bool):
        raise ValidationFailed(
            _("The cursor is not one this search issued."), code="invalid_cursor", field=field
        )
    return float(rank), after


def _fields(row: Any) -> dict[str, Any]:
    values = dict(row._mapping)
    headlines = {
        "title_html": best(values.pop("title_fr"), values.pop("title_en")),
        "lessons_html": best(values.pop("lessons_learned_fr"), values.pop("lessons_learned_en")),
    }
    return values | headlines


_OPTIONS = {"title_options": queries.TITLE_OPTIONS, "lesson_options": queries.LESSON_OPTIONS}


async def search_lessons(
    session: AsyncSession,
    q: str | None,
    *,
    department_id: int | None = None,
    limit: int | None = None,
    cursor: str | None = None,
    cursor_field: str = "cursor",
) -> tuple[list[LessonHit], str | None]:
    """One ranked page of the lessons matching `q` (French or English), with highlights,
    and the cursor of the next page (None on the last): one statement."""
    text, size = search_text(q), page_size(limit)
    after = decode_cursor(cursor, field=cursor_field)
    params: dict[str, Any] = {"q": text, "limit": size + 1, "department_id": department_id}
    if after is not None:
        params |= {"rank": after[0], "after": after[1]}
    sql = queries.search(department=department_id is not None, after=after is not None)
    rows: Sequence[Any] = (await session.execute(sa.text(sql), params | _OPTIONS)).all()
    hits = [LessonHit.model_validate(_fields(row)) for row in rows[:size]]
    more = len(rows) > size and hits
    return hits, encode_cursor(hits[-1].rank, hits[-1].initiative_id) if more else None


async def similar_lessons(
    session: AsyncSession, initiative_id: int, *, limit: int = SIMILAR_COUNT
) -> list[SimilarLesson]:
    """The past lessons closest to the initiative's title, user need and hypothesis: those
    sharing at least MIN_SHARED significant words with them (no stop word of either
    language, no word common to most lessons), most shared first, then by rank (404 when
    there is no such initiative)."""
    await crud.get_or_404(session, Initiative, initiative_id)
    params = {
        "initiative_id": initiative_id,
        "limit": limit,
        "min_shared": MIN_SHARED,
        "common_share": COMMON_SHARE,
        "common_count": COMMON_COUNT,
    }
    rows = (await session.execute(sa.text(queries.SIMILAR), params | _OPTIONS)).all()
    return [SimilarLesson.model_validate(_fields(row)) for row in rows]
