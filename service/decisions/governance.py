"""Which changes the CDO office decides, and the hook every initiative write goes through.

A change by someone who cannot decide (a department head) to a governed field of an
initiative that is approved or later is held as a change request instead of applied:
`status` to approved, done or stopped, `orientation`, `client_share`, `department_id`,
`owner_id`, and `budget_planned` raised beyond the budget tolerance (a portfolio setting,
0.10 = +10% by default). A head's `proposed -> approved` is held too. The other fields of
the same change apply directly. A move to `approved` that is applied passes the gate.
"""

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import ChangeRequest, Initiative, PortfolioSetting
from schema.enums import InitiativeStatus
from service import audit
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.decisions import gate
from service.decisions.payloads import WaiverIn
from service.errors import Forbidden
from service.i18n import gettext as _

DEFAULT_TOLERANCE = Decimal("0.10")
# An initiative the CDO office has decided on: approved or later.
DECIDED = frozenset(
    {
        InitiativeStatus.approved,
        InitiativeStatus.in_progress,
        InitiativeStatus.on_hold,
        InitiativeStatus.done,
        InitiativeStatus.stopped,
    }
)
GOVERNED_TARGETS = frozenset(
    {InitiativeStatus.approved, InitiativeStatus.done, InitiativeStatus.stopped}
)
GOVERNED_FIELDS = ("orientation", "client_share", "department_id", "owner_id")


def decides(actor: Actor) -> bool:
    """True when `actor` decides for the CDO office (its changes are never held)."""
    return policy.allowed(actor, Permission.decide)


def refuse_reserved_status(actor: Actor, status: str) -> None:
    """Refuse (403 `approval_reserved`) a new initiative created `approved` by someone who
    does not decide."""
    if status == InitiativeStatus.approved and not decides(actor):
        raise Forbidden(
            _(
                "%(actor)s may not create an approved initiative: only the CDO office approves."
                " Create it as proposed, then ask for approval (set its status to approved:"
                " the request goes to the CDO office)."
            )
            % {"actor": actor.label},
            code="approval_reserved",
        )


async def budget_tolerance(session: AsyncSession) -> Decimal:
    """The portfolio's budget tolerance (0.10 when no setting is stored yet)."""
    stored = await session.scalar(
        sa.select(col(PortfolioSetting.budget_tolerance)).where(col(PortfolioSetting.id) == 1)
    )
    return DEFAULT_TOLERANCE if stored is None else stored


async def governed(
    session: AsyncSession, initiative: Initiative, changes: dict[str, Any]
) -> list[str]:
    """The fields of `changes` the CDO office must decide on this initiative."""
    current = InitiativeStatus(initiative.status)
    fields: list[str] = []
    target = changes.get("status")
    closing = current in DECIDED and target in GOVERNED_TARGETS
    if target != current and (target == InitiativeStatus.approved or closing):
        fields.append("status")
    if current not in DECIDED:
        return fields
    fields += [
        name
        for name in GOVERNED_FIELDS
        if name in changes and changes[name] != getattr(initiative, name)
    ]
    budget = changes.get("budget_planned")
    if budget is not None and budget > initiative.budget_planned:
        ceiling = initiative.budget_planned * (1 + await budget_tolerance(session))
        if budget > ceiling:
            fields.append("budget_planned")
    return fields


async def hold(
    session: AsyncSession, actor: Actor, initiative: Initiative, changes: dict[str, Any]
) -> ChangeRequest | None:
    """Take the governed fields out of `changes` into a pending change request (audited);
    None when nothing is governed or `actor` decides."""
    if decides(actor):
        return None
    fields = await governed(session, initiative, changes)
    if not fields:
        return None
    assert initiative.id is not None
    values = {
        name: {
            "from": audit.jsonable(getattr(initiative, name)),
            "to": audit.jsonable(changes.pop(name)),
        }
        for name in fields
    }
    request = ChangeRequest(
        initiative_id=initiative.id, requested_by=actor.account_id, changes=values
    )
    session.add(request)
    await session.flush()
    assert request.id is not None
    after = audit.row_values(request)
    parent = ("initiative", initiative.id)
    await audit.record(
        session, actor, "request", "change_request", request.id, after=after, parent=parent
    )
    return request


async def govern(
    session: AsyncSession,
    actor: Actor,
    initiative: Initiative,
    changes: dict[str, Any],
    final: Callable[[str], Any],
    waivers: Sequence[WaiverIn] = (),
    *,
    request_id: int | None = None,
) -> ChangeRequest | None:
    """The hook of an initiative update: hold what the CDO office decides (the change
    request, or None), and pass a move to `approved` that is applied through the gate.
    `final(field)` reads each field's value after `changes`."""
    if waivers:
        policy.require(actor, Permission.decide)
    request = await hold(session, actor, initiative, changes)
    if gate.is_approval(initiative.status, final):
        await gate.require_approval(
            session, actor, initiative, final, waivers, change_request_id=request_id
        )
    else:
        gate.refuse_misplaced_waivers(waivers)
    return request
