"""The CDO office's decisions from the Decisions page: approve (with waivers) or reject a
proposal or a change request; a requester withdrawing a change request."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from schema import ChangeRequest
from schema.decision import ApprovalCheck
from schema.enums import InitiativeStatus
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.decisions import service as decisions
from service.decisions.payloads import DecisionIn
from service.errors import DomainError, PreconditionFailed
from service.i18n import N_
from service.i18n import gettext as _
from service.initiatives import service as initiatives
from service.initiatives.payloads import InitiativeUpdate
from service.pages.forms import FormState, parse
from service.pages.views.decisions import Item

STALE = N_("Someone changed %(code)s since this page was opened. Check it again, then decide.")


def _waivers(form: Mapping[str, str]) -> list[dict[str, str]]:
    """The waiver reasons typed, one per unmet check (blank: not waived)."""
    typed = ((code, form.get(f"waiver_{code.value}", "").strip()) for code in ApprovalCheck)
    return [{"check": code.value, "reason": reason} for code, reason in typed if reason]


def _version(form: Mapping[str, str]) -> int:
    version = form.get("version", "")
    return int(version) if version.isdigit() else -1


async def decide(
    session: AsyncSession, actor: Actor, item: Item, form: Mapping[str, str]
) -> str | None:
    """Approve or reject `item` as the form says; the flash message, or None with the
    refusal in `item.form` (the gate's unmet checks next to their waiver fields)."""
    policy.require(actor, Permission.decide)
    item.form = FormState(values=dict(form))
    item.status_code = 422
    decision = form.get("decision", "")
    code = item.initiative.code  # read now: a rollback expires the row
    try:
        if item.kind == "request":
            return await _decide_request(session, actor, item, decision, form)
        return await _decide_proposal(session, actor, item, decision, form)
    except PreconditionFailed as exc:
        await session.rollback()
        item.status_code = exc.status
        item.form.error = _(STALE) % {"code": code}
    except DomainError as exc:
        await session.rollback()
        item.status_code = exc.status
        item.form.error = exc.detail
        for check in exc.extra.get("checks", []):
            item.form.errors[f"waiver_{check['code']}"] = check["message"]
    return None


async def _decide_request(
    session: AsyncSession, actor: Actor, item: Item, decision: str, form: Mapping[str, str]
) -> str | None:
    code = item.waiting.initiative.code
    waivers = _waivers(form) if decision == "approve" else []
    values = {"decision": decision, "comment": form.get("comment", "").strip(), "waivers": waivers}
    data = parse(DecisionIn, values, item.form)
    if data is None:
        return None
    await decisions.decide_change_request(session, actor, item.id, data)
    done = (
        _("Change request %(id)s on %(code)s approved: the change applies.")
        if decision == "approve"
        else _("Change request %(id)s on %(code)s rejected.")
    )
    return done % {"id": item.id, "code": code} + _waived(waivers)


async def _decide_proposal(
    session: AsyncSession, actor: Actor, item: Item, decision: str, form: Mapping[str, str]
) -> str | None:
    code = item.waiting.initiative.code
    if decision == "approve":
        waivers = _waivers(form)
        values: dict[str, Any] = {"status": InitiativeStatus.approved, "waivers": waivers}
        done = _("%(code)s approved.") % {"code": code} + _waived(waivers)
    elif decision == "reject":
        reason = form.get("comment", "").strip()
        if not reason:
            item.form.errors["comment"] = _("Say why the proposal is rejected.")
            return None
        values = {"status": InitiativeStatus.stopped, "lessons_learned": reason}
        done = _("%(code)s rejected: stopped, with your reason as its lessons learned.") % {
            "code": code
        }
    else:
        item.form.error = _("Choose to approve or to reject.")
        return None
    data = parse(InitiativeUpdate, values, item.form)
    if data is None:
        return None
    await initiatives.update_initiative(
        session, actor, item.id, data, expected_version=_version(form)
    )
    return done


def _waived(waivers: Sequence[dict[str, str]]) -> str:
    if not waivers:
        return ""
    return " " + _("Waived: %(checks)s.") % {"checks": ", ".join(w["check"] for w in waivers)}


async def withdraw(session: AsyncSession, actor: Actor, request_id: int) -> ChangeRequest:
    """Withdraw the actor's own pending change request."""
    return await decisions.withdraw_change_request(session, actor, request_id)
