"""The initiative list people browse: filters, sorting and numbered pages, names joined.

One statement per page, whatever the number of rows: the latest check-in comes through
the same join as every initiative read (on the id kept on the initiative), the department,
owner and sponsor names through joins, and the number of matching rows through a window
count.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from schema import Department, Initiative, InitiativeKpi, Person
from service.initiatives import service as initiatives
from service.listing import initiatives as listing

SORTS = ("code", "title", "status", "department", "owner", "budget", "health", "percent", "updated")
MAX_PER_PAGE = 200
# Worst first: red, amber, green, then initiatives without a check-in.
_HEALTH_RANK = {"red": 0, "amber": 1, "green": 2}
_STATUS_RANK = {"proposed": 0, "approved": 1, "in_progress": 2, "on_hold": 3, "done": 4}


@dataclass(frozen=True)
class BrowseQuery:
    """Filters (combined with AND), sort key and page of the initiative list."""

    department_id: int | None = None
    statuses: tuple[str, ...] = ()
    orientation: str | None = None
    owner_id: int | None = None
    owner_line: int | None = None  # a person: initiatives owned by them or anyone below
    ids: Sequence[int] | None = None  # only these initiatives (e.g. the flagged ones)
    q: str | None = None
    sort: str = "code"
    descending: bool = False
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True)
class BrowsePage:
    """The rows of one page and the number of initiatives matching the filters."""

    rows: list[sa.Row[Any]]
    total: int
    page: int
    per_page: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pages", max(1, -(-self.total // self.per_page)))


def _named() -> sa.Select[Any]:
    """Every initiative column, the latest check-in's figures and the names around it."""
    owner, sponsor = aliased(Person), aliased(Person)
    joined = (
        sa.outerjoin(Initiative, initiatives.LATEST, initiatives.LATEST_ON)
        .join(Department, col(Department.id) == col(Initiative.department_id))
        .join(owner, col(owner.id) == col(Initiative.owner_id))
        .outerjoin(sponsor, col(sponsor.id) == col(Initiative.sponsor_id))
    )
    return sa.select(
        *Initiative.__table__.columns,  # type: ignore[attr-defined]
        *initiatives.LATEST_FIGURES,
        col(Department.code).label("department_code"),
        col(Department.name).label("department_name"),
        col(owner.name).label("owner_name"),
        col(owner.is_active).label("owner_active"),
        col(sponsor.name).label("sponsor_name"),
    ).select_from(joined)


def _filtered(stmt: sa.Select[Any], query: BrowseQuery) -> sa.Select[Any]:
    filters = listing.InitiativeFilters(
        department_id=query.department_id,
        statuses=query.statuses,
        orientation=query.orientation,
        owner_id=query.owner_id,
        owner_line=query.owner_line,
        ids=query.ids,
        q=query.q,
    )
    return stmt.where(*listing.conditions(filters))


def _sort_key(stmt: sa.Select[Any], sort: str) -> Any:
    columns = stmt.selected_columns
    keys: dict[str, Any] = {
        "code": columns.code,
        "title": sa.func.lower(columns.title),
        "status": sa.case(_STATUS_RANK, value=columns.status, else_=5),
        "department": columns.department_name,
        "owner": columns.owner_name,
        "budget": columns.budget_planned,
        "health": sa.case(_HEALTH_RANK, value=columns.health, else_=3),
        "percent": columns.percent_complete,
        "updated": columns.last_update_on,
    }
    return keys.get(sort, columns.code)


async def browse_initiatives(session: AsyncSession, query: BrowseQuery) -> BrowsePage:
    """One numbered page of the initiatives matching `query`, sorted, and how many match.

    Two statements: counting with a window over the named rows would build every row (with
    its joins) of a 20,000-initiative portfolio; the count reads only the initiative table.
    """
    per_page = min(max(query.per_page, 1), MAX_PER_PAGE)
    page = max(query.page, 1)
    stmt = _filtered(_named(), query)
    key = _sort_key(stmt, query.sort)
    order = key.desc().nulls_last() if query.descending else key.asc().nulls_last()
    stmt = stmt.order_by(order, col(Initiative.id)).limit(per_page).offset((page - 1) * per_page)
    rows = list((await session.execute(stmt)).all())
    count = _filtered(sa.select(sa.func.count()).select_from(Initiative), query)
    total = int(await session.scalar(count) or 0)
    return BrowsePage(rows=rows, total=total, page=page, per_page=per_page)


async def initiatives_by_id(session: AsyncSession, ids: Sequence[int]) -> dict[int, sa.Row[Any]]:
    """The named rows of the given initiatives, by id (one statement)."""
    if not ids:
        return {}
    stmt = _named().where(col(Initiative.id).in_(list(ids)))
    return {row.id: row for row in (await session.execute(stmt)).all()}


async def initiatives_for_kpi(session: AsyncSession, kpi_id: int) -> list[sa.Row[Any]]:
    """The initiatives contributing to a KPI, with their weight and rationale, by code."""
    stmt = (
        _named()
        .add_columns(
            col(InitiativeKpi.weight).label("weight"),
            col(InitiativeKpi.rationale).label("rationale"),
        )
        .join_from(
            Initiative, InitiativeKpi, col(InitiativeKpi.initiative_id) == col(Initiative.id)
        )
        .where(col(InitiativeKpi.kpi_id) == kpi_id)
        .order_by(col(Initiative.code))
    )
    return list((await session.execute(stmt)).all())


async def initiative_id_by_code(session: AsyncSession, code: str) -> int | None:
    """The id of the initiative with `code` (case-insensitive), if any."""
    stmt = sa.select(col(Initiative.id)).where(sa.func.upper(col(Initiative.code)) == code.upper())
    return await session.scalar(stmt)
