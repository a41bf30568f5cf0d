"""One department's page, for its head: its open initiatives with their health and latest
check-in, the KPIs it is accountable for, its flags and its employees' open irritants."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from schema import Department, Person
from schema.enums import InitiativeStatus, IrritantStatus
from service.departments import service as departments
from service.initiatives import browse
from service.irritants import queries as irritants
from service.irritants.payloads import IrritantFilter, IrritantPublic
from service.kpis import service as kpis
from service.portfolio import service as portfolio
from service.portfolio.payloads import FlagsPublic

# Open work: what a head steers (closed initiatives stay on the initiatives list).
OPEN_STATUSES = tuple(
    s.value for s in InitiativeStatus if s not in (InitiativeStatus.done, InitiativeStatus.stopped)
)
INITIATIVES_PER_PAGE = 50
KPIS = 100
FLAGS = 50
IRRITANTS = 20


@dataclass(frozen=True)
class DepartmentPage:
    department: Department
    head: Person | None
    initiatives: browse.BrowsePage
    kpis: list[kpis.KpiView]
    more_kpis: bool
    flags: FlagsPublic
    flag_total: int
    irritants: list[IrritantPublic]

    def page_url(self, page: int) -> str:
        """This page's address showing page `page` of the initiatives."""
        suffix = "" if page == 1 else f"?page={page}#initiatives-title"
        return f"/departments/{self.department.id}{suffix}"


async def department_page(session: AsyncSession, department_id: int, page: int) -> DepartmentPage:
    """Everything the department page shows (404 when there is no such department), in a
    fixed number of statements whatever the department's size."""
    department = await departments.get_department(session, department_id)
    head = await session.get(Person, department.head_id) if department.head_id else None
    query = browse.BrowseQuery(
        department_id=department_id,
        statuses=OPEN_STATUSES,
        sort="health",
        page=max(1, page),
        per_page=INITIATIVES_PER_PAGE,
    )
    flags = await portfolio.list_flags(session, department=department.code, limit=FLAGS)
    open_irritants = IrritantFilter(status=IrritantStatus.open, department_id=department_id)
    listed, _ = await irritants.list_irritants(session, open_irritants, limit=IRRITANTS)
    accountable = await kpis.list_kpis(session, department_id=department_id, limit=KPIS)
    return DepartmentPage(
        department=department,
        head=head,
        initiatives=await browse.browse_initiatives(session, query),
        kpis=accountable[:KPIS],
        more_kpis=len(accountable) > KPIS,
        flags=flags,
        flag_total=sum(flags.counts.values()),
        irritants=listed,
    )


def int_or_one(value: Any) -> int:
    """A page number from the query string; 1 when it is not one."""
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1
