"""The initiative list (filters, sorting, pages) and the initiative page."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from schema import AuditEvent, Department, ProgressUpdate
from schema.enums import InitiativeStatus, Orientation
from service.actor import Actor
from service.audit import service as audit_service
from service.auth import policy
from service.auth.policy import Permission
from service.errors import not_found
from service.initiatives import browse, checkins, links, rules
from service.pages import charts
from service.pages.forms import FormState
from service.pages.views import decisions as decision_view
from service.pages.views import options
from service.portfolio import service as portfolio
from service.portfolio.payloads import FlagCode, FlagPublic

# The flags raised on initiatives (the others are about departments, KPIs or the whole).
INITIATIVE_FLAGS = (
    FlagCode.MISSING_ENABLER,
    FlagCode.NO_USER_NEED,
    FlagCode.TECH_PUSH,
    FlagCode.NO_KPI,
    FlagCode.SILO_KPI,
    FlagCode.STALE_UPDATE,
    FlagCode.DONE_WITHOUT_KPI_MOVEMENT,
    FlagCode.OWNER_INACTIVE,
)
ALL_FLAGS = 100_000
TIMELINE = 500
HISTORY = 200
PER_PAGE = 25


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class ListParams:
    """The list's filters, sort and page, read leniently from the query string."""

    department: int | None = None
    status: tuple[str, ...] = ()
    orientation: str | None = None
    flag: str | None = None
    owner_line: int | None = None
    q: str = ""
    sort: str = "code"
    desc: bool = False
    page: int = 1

    @classmethod
    def of(cls, query: Mapping[str, Any], statuses: list[str]) -> "ListParams":
        """Unknown values are ignored rather than refused: a list always renders."""
        orientation = query.get("orientation")
        flag = query.get("flag")
        sort = query.get("sort") or "code"
        return cls(
            department=_int(query.get("department")),
            status=tuple(s for s in statuses if s in InitiativeStatus.__members__),
            orientation=orientation if orientation in Orientation.__members__ else None,
            flag=flag if flag in FlagCode.__members__ else None,
            owner_line=_int(query.get("owner_line")),
            q=(query.get("q") or "").strip()[:200],
            sort=sort if sort in browse.SORTS else "code",
            desc=query.get("dir") == "desc",
            page=max(1, _int(query.get("page")) or 1),
        )

    def url(self, **changes: Any) -> str:
        """The list's address with some parameters changed (a new filter starts at page 1)."""
        params = replace(self, **changes)
        pairs: list[tuple[str, Any]] = [
            ("department", params.department),
            ("orientation", params.orientation),
            ("flag", params.flag),
            ("owner_line", params.owner_line),
            ("q", params.q),
            ("sort", None if params.sort == "code" else params.sort),
            ("dir", "desc" if params.desc else None),
            ("page", None if params.page == 1 else params.page),
        ]
        pairs += [("status", s) for s in params.status]
        return "/initiatives?" + urlencode([(k, v) for k, v in pairs if v not in (None, "")])

    def sort_url(self, key: str) -> str:
        """Sort by `key`; the same key again flips the direction."""
        return self.url(sort=key, desc=not self.desc if self.sort == key else False, page=1)

    @property
    def filtered(self) -> bool:
        return bool(
            self.department or self.status or self.orientation or self.flag or self.owner_line
        ) or bool(self.q)


@dataclass(frozen=True)
class InitiativeList:
    params: ListParams
    page: browse.BrowsePage
    departments: list[Department]
    owner_label: str  # the person whose reporting line filters the list


async def initiative_list(session: AsyncSession, params: ListParams) -> InitiativeList:
    """One page of the list and the choices of its filters, in a fixed number of statements."""
    ids = None
    if params.flag is not None:
        flagged = await portfolio.list_flags(
            session, codes=[FlagCode(params.flag)], limit=ALL_FLAGS
        )
        ids = [f.entity_id for f in flagged.items if f.entity_type == "initiative" and f.entity_id]
    query = browse.BrowseQuery(
        department_id=params.department,
        statuses=params.status,
        orientation=params.orientation,
        owner_line=params.owner_line,
        ids=ids,
        q=params.q or None,
        sort=params.sort,
        descending=params.desc,
        page=params.page,
        per_page=PER_PAGE,
    )
    page = await browse.browse_initiatives(session, query)
    return InitiativeList(
        params=params,
        page=page,
        departments=await options.departments(session),
        owner_label=await options.person_label(session, params.owner_line),
    )


@dataclass(frozen=True)
class LinkedInitiative:
    """Another initiative this one is linked to, and how."""

    link_id: int
    kind: str
    outgoing: bool
    other: sa.Row[Any]


@dataclass(frozen=True)
class InitiativePage:
    initiative: sa.Row[Any]
    kpis: list[sa.Row[Any]]
    enabled_by: list[LinkedInitiative]
    enables: list[LinkedInitiative]
    depends: list[LinkedInitiative]
    checkins: list[ProgressUpdate]
    timeline: charts.Chart | None
    flags: list[FlagPublic]
    history: list[AuditEvent]
    moves: list[InitiativeStatus]
    may_edit: bool
    kpi_chosen: str  # the label of the KPI the link form holds
    kpi_form: FormState
    link_form: FormState
    decisions: decision_view.InitiativeDecisions


async def _links(session: AsyncSession, initiative_id: int) -> list[LinkedInitiative]:
    rows = await links.list_links(session, initiative_id, limit=1000)
    others = {r.to_id if r.from_id == initiative_id else r.from_id for r in rows}
    named = await browse.initiatives_by_id(session, sorted(others))
    found = []
    for row in rows:
        outgoing = row.from_id == initiative_id
        other = named.get(row.to_id if outgoing else row.from_id)
        if other is not None and row.id is not None:
            found.append(LinkedInitiative(row.id, row.kind, outgoing, other))
    return sorted(found, key=lambda link: link.other.code)


async def initiative_row(session: AsyncSession, initiative_id: int) -> sa.Row[Any]:
    """The initiative with its latest figures and names (404 when there is none)."""
    row = (await browse.initiatives_by_id(session, [initiative_id])).get(initiative_id)
    if row is None:
        raise not_found("Initiative", initiative_id)
    return row


def moves(row: sa.Row[Any]) -> dict[str, list[InitiativeStatus]]:
    """The statuses the initiative may move to next."""
    return {"moves": rules.allowed_moves(InitiativeStatus(row.status))}


async def initiative_page(
    session: AsyncSession,
    actor: Actor,
    initiative_id: int,
    *,
    kpi_form: FormState | None = None,
    link_form: FormState | None = None,
) -> InitiativePage:
    """Everything the initiative page shows (404 when there is no such initiative), with
    the forms linking it to KPIs and initiatives when the actor may change it."""
    row = await initiative_row(session, initiative_id)
    may_edit = policy.allowed(actor, Permission.edit_initiative, department_id=row.department_id)
    kpis = await links.list_kpi_links(session, initiative_id, limit=1000)
    linked = await _links(session, initiative_id)
    updates = list(await checkins.list_checkins(session, initiative_id, limit=TIMELINE))
    raised = await portfolio.list_flags(session, initiatives=[initiative_id], limit=ALL_FLAGS)
    own_flags = raised.items
    history = await audit_service.history(
        session, "initiative", initiative_id, limit=HISTORY, cursor=None
    )
    return InitiativePage(
        initiative=row,
        kpis=sorted(kpis, key=lambda k: (-k.weight, k.kpi_code)),
        enabled_by=[k for k in linked if k.kind == "enables" and not k.outgoing],
        enables=[k for k in linked if k.kind == "enables" and k.outgoing],
        depends=[k for k in linked if k.kind == "depends_on"],
        checkins=updates,
        timeline=charts.checkin_timeline(updates) if updates else None,
        flags=own_flags,
        history=list(reversed(history)),
        moves=rules.allowed_moves(InitiativeStatus(row.status)),
        may_edit=may_edit,
        kpi_chosen=await options.kpi_label(session, kpi_form and kpi_form.values.get("kpi_id")),
        kpi_form=kpi_form or FormState(values={"weight": "100"}),
        link_form=link_form or FormState(values={"direction": "enabled_by"}),
        decisions=await decision_view.initiative_decisions(session, actor, initiative_id),
    )
