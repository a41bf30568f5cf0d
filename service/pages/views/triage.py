"""The flags page's triage: the ranked to-act-on list with its forms, the dashboard's top
flags (grouped when one type dominates), and the acknowledge, assign and snooze forms."""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlencode

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Department
from service.actor import Actor, Role
from service.errors import DomainError
from service.i18n import N_, formats
from service.i18n import gettext as _
from service.pages.views import options
from service.pages.views.dashboard import flag_link
from service.portfolio.flags import ORDERED_CODES, SEVERITY
from service.portfolio.payloads import FlagCode, FlagPublic
from service.triage import service
from service.triage.payloads import (
    AcknowledgeIn,
    AssignIn,
    FlagKey,
    RankedFlags,
    SnoozeIn,
    View,
)

PER_PAGE = 50
VIEWS = {"to_act_on": "To act on", "acknowledged": "Acknowledged", "snoozed": "Snoozed"}

# How many flags of one code read on the dashboard: "412 {phrase} — 38M at stake".
GROUP_PHRASES = {
    FlagCode.PORTFOLIO_CLIENT_SKEW: N_("portfolio skews"),
    FlagCode.DEPARTMENT_CLIENT_SKEW: N_("departments skewed toward client-facing work"),
    FlagCode.DEPARTMENT_UNCOVERED: N_("departments leading no active initiative"),
    FlagCode.MISSING_ENABLER: N_("client-facing initiatives without an enabler"),
    FlagCode.NO_USER_NEED: N_("initiatives stating no user need"),
    FlagCode.TECH_PUSH: N_("initiatives starting from a technology"),
    FlagCode.NO_KPI: N_("active initiatives linked to no KPI"),
    FlagCode.SILO_KPI: N_("initiatives linked only to single-department KPIs"),
    FlagCode.STALE_UPDATE: N_("initiatives without a recent check-in"),
    FlagCode.KPI_UNMEASURED: N_("KPIs not measured in time"),
    FlagCode.CX_KPI_WITHOUT_EX_DRIVER: N_("customer KPIs without an employee driver"),
    FlagCode.DONE_WITHOUT_KPI_MOVEMENT: N_("done initiatives whose KPIs did not move"),
    FlagCode.OWNER_INACTIVE: N_("active initiatives whose owner is inactive"),
    FlagCode.KPI_OVERCLAIMED: N_("KPIs claimed beyond a weight of 1"),
    FlagCode.ENABLER_LATE: N_("client-facing initiatives whose enablers land late"),
    FlagCode.IRRITANT_UNADDRESSED: N_("voted irritants no active initiative addresses"),
}


@dataclass(frozen=True)
class TriageFilters:
    view: View = "to_act_on"
    code: str | None = None
    department: str | None = None
    cursor: str | None = None

    @classmethod
    def of(cls, query: Mapping[str, Any]) -> "TriageFilters":
        """Read leniently from the query string: unknown values are ignored."""
        view, code = query.get("view"), query.get("code")
        return cls(
            view=cast(View, view) if view in VIEWS else "to_act_on",
            code=code if code in FlagCode.__members__ else None,
            department=query.get("department") or None,
            cursor=query.get("cursor") or None,
        )

    def url(self, cursor: str | None = None, view: str | None = None) -> str:
        """This list's address at another page (or in another view)."""
        pairs = {
            "view": view or self.view,
            "code": self.code,
            "department": self.department,
            "cursor": cursor,
        }
        return "/flags?" + urlencode({k: v for k, v in pairs.items() if v})


@dataclass(frozen=True)
class TriagePage:
    filters: TriageFilters
    flags: RankedFlags
    departments: list[Department]
    codes: list[FlagCode]
    may_triage: set[tuple[str, str, int]]
    error: str | None


def _key(flag: FlagPublic) -> tuple[str, str, int]:
    return (flag.code.value, flag.entity_type, flag.entity_id or 0)


def may_triage(actor: Actor, flag: FlagPublic, department_codes: dict[int, str]) -> bool:
    """Whether the page offers the triage forms (the service decides again on submit)."""
    if actor.role is Role.cdo_office:
        return True
    head = actor.role is Role.department_head and actor.department_id is not None
    if head and department_codes.get(actor.department_id or 0) == flag.department_code:
        return True
    acts = flag.should_act is not None and flag.should_act.id == actor.person_id
    return actor.role in (Role.department_head, Role.contributor) and acts


async def triage_page(session: AsyncSession, actor: Actor, filters: TriageFilters) -> TriagePage:
    """One ranked page of the flags in the chosen view, with what the actor may triage."""
    error = None
    try:
        flags = await service.rank_flags(
            session,
            view=filters.view,
            codes=[FlagCode(filters.code)] if filters.code else None,
            department=filters.department,
            limit=PER_PAGE,
            cursor=filters.cursor,
        )
    except DomainError as exc:  # an unknown department code or a damaged cursor
        await session.rollback()
        error = exc.detail
        flags = await service.rank_flags(session, view=filters.view, limit=PER_PAGE)
    departments = await options.departments(session)
    codes_by_id = {d.id: d.code for d in departments if d.id is not None}
    allowed = {_key(f) for f in flags.items if may_triage(actor, f, codes_by_id)}
    return TriagePage(filters, flags, departments, list(ORDERED_CODES), allowed, error)


@dataclass(frozen=True)
class TopLine:
    """A dashboard line: one flag, or every to-act-on flag of a code that dominates the top."""

    code: FlagCode
    flag: FlagPublic | None
    count: int
    stakes: Decimal
    link: str

    @property
    def phrase(self) -> str:
        return _(GROUP_PHRASES[self.code])

    @property
    def severity(self) -> str:
        return SEVERITY[self.code].value


def top_lines(ranked: RankedFlags) -> list[TopLine]:
    """The top of the ranking; a code found more than once there is one grouped line."""
    repeated = Counter(f.code for f in ranked.items)
    lines, grouped = [], set()
    for flag in ranked.items:
        if repeated[flag.code] == 1:
            lines.append(TopLine(flag.code, flag, 1, flag.stakes, flag_link(flag)))
        elif flag.code not in grouped:
            grouped.add(flag.code)
            total = ranked.to_act_on[flag.code.value]
            link = f"/flags?code={flag.code.value}"
            lines.append(TopLine(flag.code, None, total.count, total.stakes, link))
    return lines


FORMS = {"acknowledge": AcknowledgeIn, "assign": AssignIn, "snooze": SnoozeIn}
DONE = {
    "acknowledge": N_("Flag acknowledged: it leaves the list and stays counted."),
    "assign": N_("Flag assigned."),
    "snooze": N_("Flag snoozed until %(until)s."),
}


async def triage_from_form(
    session: AsyncSession, actor: Actor, key: FlagKey, action: str, form: dict[str, str]
) -> tuple[str, str]:
    """Apply one triage form: (message, flash kind); a refusal reads as a plain sentence."""
    values = {k: v.strip() for k, v in form.items() if k in ("note", "person_id", "until")}
    try:
        data: Any = FORMS[action](**{k: v for k, v in values.items() if v != ""})
        await getattr(service, action)(session, actor, key, data)
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0])
        return (_(_FIELD_HELP.get(field, CHECK_FORM)), "error")
    except DomainError as exc:
        await session.rollback()
        return (exc.detail, "error")
    until = values.get("until", "")
    return (_(DONE[action]) % {"until": _day(until)}, "success")


CHECK_FORM = N_("Check the form and try again.")
_FIELD_HELP = {
    "note": N_("Write a note saying why the flag is acknowledged."),
    "person_id": N_("Choose the person to assign the flag to."),
    "until": N_("Choose the day the flag comes back (after today)."),
}


def _day(value: str) -> str:
    try:
        return formats.day(date.fromisoformat(value))
    except ValueError:
        return value
