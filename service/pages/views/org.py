"""The reporting line as a tree, a person's roll-up, and the departments."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from schema import Department, Person
from service.org import service as org_service
from service.org import tree
from service.pages import charts
from service.pages.views import options
from service.portfolio import service as portfolio
from service.portfolio.payloads import (
    AlignmentPublic,
    BalancePublic,
    DepartmentBalance,
    PersonPortfolioPublic,
)

LINE_PAGE = 200


@dataclass
class Node:
    """A person of the tree and the people reporting to them."""

    person: tree.TreePerson
    children: list["Node"] = field(default_factory=list)


def nest(people: list[tree.TreePerson]) -> list[Node]:
    """The flat tree-ordered list as nested nodes (managers before their reports)."""
    nodes = {p.id: Node(p) for p in people}
    roots: list[Node] = []
    for person in people:
        parent = nodes.get(person.manager_id) if person.manager_id is not None else None
        (parent.children if parent is not None else roots).append(nodes[person.id])
    return roots


async def org_tree(session: AsyncSession) -> tuple[list[Node], Decimal]:
    """Everyone in the reporting line with the active initiatives of their line; the band."""
    setting = await portfolio.get_settings(session)
    return nest(await tree.reporting_tree(session)), setting.band_max


@dataclass(frozen=True)
class PersonPage:
    portfolio: PersonPortfolioPublic
    chain: list[Person]
    reports: list[Person]
    bullet: charts.Chart


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
    people: dict[int, Any] = options.by_id(await options.people(session))
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
