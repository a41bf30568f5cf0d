"""Irritants: raise one (the raiser's vote counts), change it, close or reopen it with a
reason, vote for it ("me too", one per account) and take the vote back.

Who may: any account of a person or whose role writes raises and votes (never bi_reader);
the raiser edits the wording of their own irritant; the head of its department and the
CDO office edit anything, move it, close it and reopen it (service/auth/policy.py).
`addressed` is the database's: see schema/irritant.py.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Department, Irritant, IrritantVote
from schema.enums import IrritantStatus
from service import audit, crud
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.errors import Conflict, ValidationFailed
from service.i18n import gettext as _
from service.irritants import queries
from service.irritants.payloads import IrritantCreate, IrritantPublic, IrritantUpdate

# What the raiser may change on their own irritant; the rest is for its department's head.
_WORDING = frozenset({"title", "description", "process", "severity"})


async def raise_irritant(
    session: AsyncSession, actor: Actor, data: IrritantCreate
) -> IrritantPublic:
    """Raise an irritant, counting the raiser's vote."""
    policy.require(actor, Permission.raise_irritant)
    await crud.require_refs(session, Department, {"department_id": data.department_id})
    irritant = Irritant(**data.model_dump(), raised_by=actor.account_id)
    session.add(irritant)
    await session.flush()
    assert irritant.id is not None
    await audit.record(
        session, actor, "create", "irritant", irritant.id, after=audit.row_values(irritant)
    )
    if actor.account_id is not None:
        await _add_vote(session, actor, irritant.id)
    return await queries.get_irritant(session, irritant.id)


async def update_irritant(
    session: AsyncSession,
    actor: Actor,
    irritant_id: int,
    data: IrritantUpdate,
    *,
    expected_version: int | None = None,
) -> IrritantPublic:
    """Change an irritant from `expected_version`; close or reopen it with a reason."""
    irritant = await crud.get_for_update(session, Irritant, irritant_id, expected_version)
    changes = data.model_dump(exclude_unset=True, exclude={"status", "reason"})
    _require_may_change(actor, irritant, changes)
    if "department_id" in changes:
        await crud.require_refs(session, Department, {"department_id": changes["department_id"]})
        policy.require(actor, Permission.manage_irritant, department_id=changes["department_id"])
    if data.status is not None:
        changes |= await _status_change(session, actor, irritant, data)
    changed = crud.apply_changes(irritant, changes)
    await audit.record_changes(session, actor, "irritant", irritant, changed)
    return await queries.get_irritant(session, irritant_id)


def _require_may_change(actor: Actor, irritant: Irritant, changes: dict[str, Any]) -> None:
    own = actor.account_id is not None and irritant.raised_by == actor.account_id
    if own and set(changes) <= _WORDING:
        return
    policy.require(actor, Permission.manage_irritant, department_id=irritant.department_id)


async def _status_change(
    session: AsyncSession, actor: Actor, irritant: Irritant, data: IrritantUpdate
) -> dict[str, Any]:
    """The columns a close or reopen sets (the head of the department or the CDO office)."""
    policy.require(actor, Permission.manage_irritant, department_id=irritant.department_id)
    closing = data.status == IrritantStatus.closed
    if closing == (irritant.status == IrritantStatus.closed):
        already = (
            _("Irritant %(id)s is already closed.")
            if closing
            else _("Irritant %(id)s is already not closed.")
        )
        raise Conflict(
            already % {"id": irritant.id},
            code="invalid_transition",
            field="status",
            extra={"irritant_status": irritant.status},
        )
    reason = (data.reason or "").strip()
    if not reason:
        why = (
            _("reason: say why you are closing the irritant.")
            if closing
            else _("reason: say why you are reopening the irritant.")
        )
        raise ValidationFailed(why, code="reason_required", field="reason")
    if closing:
        return {"status": IrritantStatus.closed.value, "status_reason": reason}
    reopened = await session.scalar(sa.select(sa.func.irritant_open_status(irritant.id)))
    return {"status": str(reopened), "status_reason": reason}


async def vote(session: AsyncSession, actor: Actor, irritant_id: int) -> IrritantPublic:
    """Vote for an irritant ("me too"); voting again changes nothing. 409 when closed."""
    policy.require(actor, Permission.raise_irritant)
    irritant = await crud.get_or_404(session, Irritant, irritant_id)
    if irritant.status == IrritantStatus.closed:
        raise Conflict(
            _("Irritant %(id)s is closed: it takes no more votes.") % {"id": irritant_id},
            code="irritant_closed",
        )
    if actor.account_id is None:
        raise ValidationFailed(_("Only a signed-in account votes."), code="no_account")
    await _add_vote(session, actor, irritant_id)
    return await queries.get_irritant(session, irritant_id)


async def unvote(session: AsyncSession, actor: Actor, irritant_id: int) -> None:
    """Take back the actor's vote (nothing happens when there was none)."""
    policy.require(actor, Permission.raise_irritant)
    await crud.get_or_404(session, Irritant, irritant_id)
    removed = await session.scalar(
        sa.delete(IrritantVote)
        .where(
            col(IrritantVote.irritant_id) == irritant_id,
            col(IrritantVote.account_id) == actor.account_id,
        )
        .returning(col(IrritantVote.account_id))
    )
    if removed is not None:
        before = {"account_id": removed}
        parent = ("irritant", irritant_id)
        await audit.record(
            session, actor, "unvote", "irritant_vote", irritant_id, before=before, parent=parent
        )


async def _add_vote(session: AsyncSession, actor: Actor, irritant_id: int) -> None:
    """The actor's vote, recorded once (a second one is ignored)."""
    added = await session.scalar(
        insert(IrritantVote)
        .values(irritant_id=irritant_id, account_id=actor.account_id)
        .on_conflict_do_nothing()
        .returning(col(IrritantVote.account_id))
    )
    if added is not None:
        after = {"account_id": added}
        parent = ("irritant", irritant_id)
        await audit.record(
            session, actor, "vote", "irritant_vote", irritant_id, after=after, parent=parent
        )
