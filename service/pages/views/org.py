"""The reporting line as a tree, a person's roll-up, and the departments."""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from schema import Department, Person
from service.actor import Actor
from service.errors import NotFound
from service.org import branches
from service.org import service as org_service
from service.org.payloads import PersonFilters
from service.pages import charts
from service.pages.views import options
from service.portfolio import service as portfolio
from service.portfolio.payloads import (
    AlignmentPublic,
    BalancePublic,
    DepartmentBalance,
    PersonPortfolioPublic,
)

LINE_PAGE = 50  # the rest of the line's initiatives: in the initiative list
MATCHES = 20  # people listed when a search finds several


@dataclass
class Node:
    """A person of the tree and those of their direct reports that are shown."""

    person: branches.Branch
    children: list["Node"] = field(default_factory=list)


@dataclass(frozen=True)
class OrgTree:
    """The collapsed tree, opened down to `found` and the signed-in person; search matches."""

    roots: list[Node]
    band: Decimal
    found: int | None = None
    matches: list[Person] = field(default_factory=list)
    more: bool = False  # more people match than are listed


def nest(people: list[branches.Branch]) -> list[Node]:
    """The people shown as nested nodes: those whose manager is not shown are roots."""
    nodes = {p.id: Node(p) for p in people}
    roots: list[Node] = []
    for person in people:
        parent = nodes.get(person.manager_id) if person.manager_id is not None else None
        (parent.children if parent is not None else roots).append(nodes[person.id])
    return roots


async def _path(session: AsyncSession, person_id: int | None, *, known: bool = True) -> list[int]:
    """The person and their managers up to the top (404 for an unknown person, or nothing
    when not `known` to exist)."""
    if person_id is None:
        return []
    try:
        chain = await org_service.manager_chain(session, person_id)
    except NotFound:
        if known:
            raise
        return []
    return [person_id, *(p.id for p in chain if p.id is not None)]


async def org_tree(
    session: AsyncSession, actor: Actor, *, open_id: int | None, q: str | None
) -> OrgTree:
    """The top of the reporting line, opened down to the person asked for (by id, or the one
    person a search finds) and to the signed-in person."""
    matches: list[Person] = []
    if open_id is None and q:
        filters = PersonFilters(q=q)
        matches = list(await org_service.list_people(session, filters=filters, limit=MATCHES + 1))
        if len(matches) == 1:
            open_id, matches = matches[0].id, []
    parents = await _path(session, open_id) + await _path(session, actor.person_id, known=False)
    setting = await portfolio.get_settings(session)
    rows = await branches.branches(session, sorted(set(parents)), with_top=True)
    listed = sorted(matches[:MATCHES], key=_by_name)
    return OrgTree(nest(rows), setting.band_max, open_id, listed, len(matches) > MATCHES)


async def branch(session: AsyncSession, person_id: int) -> tuple[list[Node], Decimal]:
    """A person's direct reports with their line figures (404 for an unknown person); the band."""
    await org_service.get_person(session, person_id)
    setting = await portfolio.get_settings(session)
    return nest(await branches.branches(session, [person_id])), setting.band_max


def _by_name(person: Person) -> str:
    return person.name.lower()


@dataclass(frozen=True)
class PersonPage:
    portfolio: PersonPortfolioPublic
    chain: list[Person]
    reports: list[Person]
    bullet: charts.Bullet


async def person_page(session: AsyncSession, person_id: int) -> PersonPage:
    """A person's roll-up: their line's initiatives, balance and flags, and where they sit."""
    line = await portfolio.person_portfolio(session, person_id, limit=LINE_PAGE)
    chain = await org_service.manager_chain(session, person_id)
    reports = await org_service.list_reports(session, person_id, limit=1000)
    return PersonPage(
        portfolio=line,
        chain=list(reversed(chain)),
        reports=sorted(reports, key=lambda p: p.name.lower()),
        bullet=charts.balance_bullet(
            line.balance.client_share, line.balance.band_max, line.balance.band_min
        ),
    )


@dataclass(frozen=True)
class DepartmentRow:
    department: Department
    head: Person | None
    balance: DepartmentBalance | None
    kpis: int
    shared_kpis: int


@dataclass(frozen=True)
class DepartmentsPage:
    rows: list[DepartmentRow]
    balance: BalancePublic
    alignment: AlignmentPublic


async def departments_page(session: AsyncSession) -> DepartmentsPage:
    """Each department with its head, active work, share and KPI accountability."""
    departments = await options.departments(session)
    heads = [d.head_id for d in departments if d.head_id is not None]
    people = await options.people_by_id(session, heads)
    balance = await portfolio.compute_balance(session)
    alignment = await portfolio.compute_alignment(session)
    shares = {d.department_code: d for d in balance.departments}
    matrix = {m.department_id: m for m in alignment.matrix}
    rows = []
    for dept in departments:
        accountable = matrix[dept.id].kpis if dept.id in matrix else []
        rows.append(
            DepartmentRow(
                department=dept,
                head=people.get(dept.head_id) if dept.head_id is not None else None,
                balance=shares.get(dept.code),
                kpis=len(accountable),
                shared_kpis=sum(1 for k in accountable if k.is_shared),
            )
        )
    return DepartmentsPage(rows=rows, balance=balance, alignment=alignment)


def share_class(share: Decimal | None, band: Decimal) -> str:
    """A CSS class telling whether a share is within the band."""
    if share is None:
        return "share-none"
    return "share-over" if share > band else "share-ok"
