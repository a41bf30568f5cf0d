"""Change requests: list the pending ones, review one with its gate checks, decide, withdraw.

A request is created by the initiative update hook (`governance.hold`). Approving one
applies its changes through the same update function as a direct CDO office edit, gate
included, once every field still holds the value the request started `from`.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import ChangeRequest, Initiative
from schema.decision import ChangeRequestStatus
from service import audit, crud
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.decisions import gate
from service.decisions.payloads import ChangeRequestFilter, DecisionIn
from service.errors import Conflict, Forbidden
from service.i18n import gettext as _
from service.initiatives import service as initiatives
from service.initiatives.payloads import InitiativeUpdate
from service.pagination import keyset


async def list_change_requests(
    session: AsyncSession, filters: ChangeRequestFilter, *, limit: int, cursor: str | None = None
) -> Sequence[ChangeRequest]:
    """Change requests in id order after `cursor`, by status and/or initiative (the CDO
    office's queue: `status=pending`)."""
    stmt = sa.select(ChangeRequest).where(*matching(filters))
    return (await session.scalars(keyset(stmt, col(ChangeRequest.id), cursor, limit))).all()


def matching(filters: ChangeRequestFilter) -> list[sa.ColumnElement[bool]]:
    """What the list's filters mean, for every surface that lists change requests."""
    given = [
        (col(ChangeRequest.status), filters.status),
        (col(ChangeRequest.initiative_id), filters.initiative_id),
    ]
    return [column == value for column, value in given if value is not None]


async def list_pending(
    session: AsyncSession, *, limit: int, cursor: str | None = None
) -> Sequence[ChangeRequest]:
    """The pending change requests, oldest first: what the CDO office has to decide."""
    filters = ChangeRequestFilter(status=ChangeRequestStatus.pending)
    return await list_change_requests(session, filters, limit=limit, cursor=cursor)


async def get_change_request(session: AsyncSession, request_id: int) -> ChangeRequest:
    """One change request, or 404."""
    return await crud.get_or_404(session, ChangeRequest, request_id)


async def review_change_request(
    session: AsyncSession, request_id: int
) -> tuple[ChangeRequest, list[gate.Check]]:
    """A change request with the approval checks that approving it would fail today
    (none unless it moves the initiative to approved)."""
    request = await get_change_request(session, request_id)
    initiative = await crud.get_or_404(session, Initiative, request.initiative_id)
    wanted = _wanted(request)

    def final(name: str) -> Any:
        return wanted.get(name, getattr(initiative, name))

    if not gate.is_approval(initiative.status, final):
        return request, []
    return request, gate.unmet_checks(initiative, final)


async def decide_change_request(
    session: AsyncSession, actor: Actor, request_id: int, decision: DecisionIn
) -> ChangeRequest:
    """Approve (apply the changes, gate and waivers included) or reject a pending change
    request, with a comment (CDO office). 409 `stale_change_request` when a field no longer
    holds the value the request started from."""
    policy.require(actor, Permission.decide)
    request = await _pending_for_update(session, request_id)
    before = audit.row_values(request)
    if decision.decision == "approve":
        await _apply(session, actor, request, decision)
        status = ChangeRequestStatus.approved
    else:
        gate.refuse_misplaced_waivers(decision.waivers)
        status = ChangeRequestStatus.rejected
    await _close(session, actor, request, status, decision.comment, before)
    return request


async def withdraw_change_request(
    session: AsyncSession, actor: Actor, request_id: int
) -> ChangeRequest:
    """Withdraw a pending change request (only the account that asked for it)."""
    request = await crud.get_for_update(session, ChangeRequest, request_id)
    if actor.account_id is None or request.requested_by != actor.account_id:
        raise Forbidden(
            _(
                "%(actor)s may not withdraw change request %(id)s: only the account that asked"
                " for it withdraws it."
            )
            % {"actor": actor.label, "id": request_id},
            code="not_requester",
        )
    _require_pending(request)
    before = audit.row_values(request)
    await _close(session, actor, request, ChangeRequestStatus.withdrawn, "", before)
    return request


async def _pending_for_update(session: AsyncSession, request_id: int) -> ChangeRequest:
    request = await crud.get_for_update(session, ChangeRequest, request_id)
    _require_pending(request)
    return request


def _require_pending(request: ChangeRequest) -> None:
    if request.status != ChangeRequestStatus.pending:
        raise Conflict(
            _("Change request %(id)s is %(status)s, no longer pending.")
            % {"id": request.id, "status": request.status},
            code="change_request_closed",
            extra={"request_status": request.status},
        )


def _wanted(request: ChangeRequest) -> dict[str, Any]:
    """The request's target values, as the update payload reads them."""
    targets = {name: change["to"] for name, change in request.changes.items()}
    return InitiativeUpdate(**targets).model_dump(exclude_unset=True)


async def _apply(
    session: AsyncSession, actor: Actor, request: ChangeRequest, decision: DecisionIn
) -> None:
    """Apply the request's changes as a direct CDO office edit, once none is stale."""
    initiative = await crud.get_for_update(session, Initiative, request.initiative_id)
    stale = {
        name: audit.jsonable(getattr(initiative, name))
        for name, change in request.changes.items()
        if audit.jsonable(getattr(initiative, name)) != change["from"]
    }
    if stale:
        shown = ", ".join(
            _("%(field)s is %(value)s (was %(was)s)")
            % {"field": name, "value": value, "was": request.changes[name]["from"]}
            for name, value in stale.items()
        )
        raise Conflict(
            _(
                "Change request %(id)s is stale: %(shown)s. Reject it, and ask for the change"
                " again from the initiative as it is now."
            )
            % {"id": request.id, "shown": shown},
            code="stale_change_request",
            extra={"stale_fields": sorted(stale)},
        )
    targets: dict[str, Any] = {n: c["to"] for n, c in request.changes.items()}
    data = InitiativeUpdate(**targets, waivers=decision.waivers)
    await initiatives.update_initiative(
        session, actor, request.initiative_id, data, change_request_id=request.id
    )


async def _close(
    session: AsyncSession,
    actor: Actor,
    request: ChangeRequest,
    status: ChangeRequestStatus,
    comment: str,
    before: dict[str, Any],
) -> None:
    request.status = status
    request.decided_by = actor.account_id
    request.decided_at = datetime.now(UTC)
    request.comment = comment
    await session.flush()
    assert request.id is not None
    action = "withdraw" if status is ChangeRequestStatus.withdrawn else "decide"
    after = audit.row_values(request)
    parent = ("initiative", request.initiative_id)
    await audit.record(
        session, actor, action, "change_request", request.id, before, after, parent=parent
    )
