"""The Decisions page of the CDO office: what waits (proposals and change requests, each
with its approval checks and requested changes) and the impact of approving a selection;
the change requests and waivers shown on an initiative and a department head's dashboard."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from schema import Initiative
from schema.decision import ApprovalCheck
from schema.enums import InitiativeStatus, Role
from service.actor import Actor
from service.decisions import gate
from service.i18n import N_
from service.i18n import gettext as _
from service.pages.forms import FormState
from service.pages.views import decision_queue as queue
from service.pages.views.decision_impact import Impact, Selection, impact_of

CHECK_LABELS = {
    ApprovalCheck.NO_USER_NEED: N_("A stated user need"),
    ApprovalCheck.NO_KPI: N_("At least one KPI link"),
    ApprovalCheck.MISSING_ENABLER: N_("A live internal enabler (client-facing and hybrid work)"),
}
# How each governed field reads, and how its values are shown.
FIELDS = {
    "status": (N_("Status"), "label"),
    "orientation": (N_("Orientation"), "label"),
    "client_share": (N_("Client-facing share"), "share"),
    "department_id": (N_("Lead department"), "text"),
    "owner_id": (N_("Owner"), "text"),
    "budget_planned": (N_("Budget planned"), "money"),
}
MY_REQUESTS = 10


@dataclass(frozen=True)
class CheckLine:
    """One approval check, met or not, with the sentence the CDO office reads."""

    code: str
    label: str
    met: bool
    message: str


@dataclass(frozen=True)
class ChangeLine:
    """`field: from → to`; `kind` says how the template shows the values."""

    field: str
    label: str
    kind: str
    before: Any
    after: Any


@dataclass
class Item:
    """A proposal or a change request waiting for the CDO office."""

    kind: str  # "proposal" or "request"
    id: int  # the initiative's id for a proposal, the request's id for a request
    waiting: queue.Waiting
    checks: list[CheckLine]
    changes: list[ChangeLine]
    selected: bool = False
    form: FormState = field(default_factory=FormState)
    status_code: int = 200  # of a refused decision: 409 from the gate, 422 for bad input

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.id}"

    @property
    def initiative(self) -> Initiative:
        return self.waiting.initiative

    @property
    def unmet(self) -> list[CheckLine]:
        return [check for check in self.checks if not check.met]


@dataclass(frozen=True)
class DecisionsPage:
    proposals: list[Item]
    requests: list[Item]
    selection: Selection
    impact: Impact | None
    impact_error: str | None
    full: bool  # the queue holds more than one screen
    refused: Item | None = None  # the item whose decision was just refused

    @property
    def total(self) -> int:
        return len(self.proposals) + len(self.requests)


def _checks(initiative: Initiative, targets: Mapping[str, Any]) -> list[CheckLine]:
    def final(name: str) -> Any:
        return targets.get(name, getattr(initiative, name))

    if not gate.is_approval(initiative.status, final):
        return []
    unmet = {check.code: check.message for check in gate.unmet_checks(initiative, final)}
    return [
        CheckLine(code.value, _(label), code not in unmet, unmet.get(code, _("Met.")))
        for code, label in CHECK_LABELS.items()
    ]


def change_lines(changes: Mapping[str, Any], names: queue.Names) -> list[ChangeLine]:
    """A request's `{field: {"from", "to"}}` as lines, ids shown as names."""
    lookup = {"department_id": names.departments, "owner_id": names.people}
    lines = []
    for name, change in changes.items():
        label, kind = FIELDS.get(name, (name.replace("_", " ").capitalize(), "text"))
        label = _(label) if name in FIELDS else label
        before, after = change.get("from"), change.get("to")
        if name in lookup:
            before = lookup[name].get(before, before)
            after = lookup[name].get(after, after)
        lines.append(ChangeLine(name, label, kind, before, after))
    return lines


def _proposal(waiting: queue.Waiting, selection: Selection) -> Item:
    initiative = waiting.initiative
    assert initiative.id is not None
    targets = {"status": InitiativeStatus.approved.value}
    status = ChangeLine("status", _("Status"), "label", initiative.status, targets["status"])
    checks = _checks(initiative, targets)
    return Item(
        "proposal", initiative.id, waiting, checks, [status], initiative.id in selection.proposals
    )


def _request(waiting: queue.Waiting, selection: Selection, names: queue.Names) -> Item:
    request = waiting.request
    assert request is not None and request.id is not None
    targets = {name: change["to"] for name, change in request.changes.items()}
    checks = _checks(waiting.initiative, targets)
    lines = change_lines(request.changes, names)
    return Item("request", request.id, waiting, checks, lines, request.id in selection.requests)


async def decisions_page(
    session: AsyncSession, selection: Selection, failed: Item | None = None
) -> DecisionsPage:
    """What waits for the CDO office, and the impact of approving the selected items;
    `failed` carries a refused decision (its error, what was typed) over to its item."""
    proposals = await queue.waiting_proposals(session)
    requests = await queue.waiting_requests(session)
    names = await queue.names(session, [w.request.changes for w in requests if w.request])
    items = [_proposal(w, selection) for w in proposals]
    items += [_request(w, selection, names) for w in requests]
    refused = None
    for item in items:
        if failed is not None and item.key == failed.key:
            item.form, item.status_code, refused = failed.form, failed.status_code, item
    impact, problem = await impact_of(session, [item for item in items if item.selected])
    return DecisionsPage(
        proposals=[item for item in items if item.kind == "proposal"],
        requests=[item for item in items if item.kind == "request"],
        selection=selection,
        impact=impact,
        impact_error=problem,
        full=queue.QUEUE_LIMIT in (len(proposals), len(requests)),
        refused=refused,
    )


async def find_item(session: AsyncSession, kind: str, item_id: int) -> Item | None:
    """The waiting item `kind`/`item_id`, or None when it no longer waits."""
    page = await decisions_page(session, Selection())
    items = page.proposals if kind == "proposal" else page.requests
    return next((item for item in items if item.id == item_id), None)


@dataclass(frozen=True)
class RequestLine:
    """A change request with its changes as lines; withdrawable by the one reading it."""

    row: queue.RequestRow
    changes: list[ChangeLine]
    may_withdraw: bool


@dataclass(frozen=True)
class WaiverLine:
    code: str
    label: str
    reason: str
    granted_by: str
    granted_at: datetime


@dataclass(frozen=True)
class InitiativeDecisions:
    """The change requests and approval waivers of one initiative."""

    requests: list[RequestLine]
    waivers: list[WaiverLine]


async def _lines(
    session: AsyncSession, actor: Actor, rows: Sequence[queue.RequestRow]
) -> list[RequestLine]:
    names = await queue.names(session, [row.request.changes for row in rows])
    return [
        RequestLine(
            row,
            change_lines(row.request.changes, names),
            row.request.status == "pending"
            and actor.account_id is not None
            and row.request.requested_by == actor.account_id,
        )
        for row in rows
    ]


async def initiative_decisions(
    session: AsyncSession, actor: Actor, initiative_id: int
) -> InitiativeDecisions:
    """The initiative's change requests (newest first) and waivers (oldest first)."""
    rows = await queue.requests(session, initiative_id=initiative_id)
    waivers = await gate.list_waivers(session, initiative_id)
    labels = await queue.account_labels(session, [w.granted_by for w in waivers])
    return InitiativeDecisions(
        requests=await _lines(session, actor, rows),
        waivers=[
            WaiverLine(
                w.check,
                _(CHECK_LABELS[ApprovalCheck(w.check)]),
                w.reason,
                labels.get(w.granted_by, _("system")) if w.granted_by else _("system"),
                w.created_at,
            )
            for w in waivers
        ],
    )


async def my_requests(session: AsyncSession, actor: Actor) -> list[RequestLine] | None:
    """A department head's latest change requests (None for other roles: no query)."""
    if actor.role is not Role.department_head or actor.account_id is None:
        return None
    rows = await queue.requests(session, requested_by=actor.account_id, limit=MY_REQUESTS)
    return await _lines(session, actor, rows)
