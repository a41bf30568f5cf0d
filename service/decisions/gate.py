"""The approval gate: the checks a move to `approved` must pass, and their waivers.

Each check has the code of the flag that states the same rule, so one rule has one name:

- NO_USER_NEED: the initiative states no user need (unless its origin is regulation);
- NO_KPI: it is linked to no KPI;
- MISSING_ENABLER: it is client-facing or hybrid and no live internal enabler stands behind
  it (the `enabler_count` the database keeps on the initiative).

Only the CDO office approves. An unmet check answers 409 `approval_checks_failed` listing
every unmet check, unless the CDO office waives it with a reason; a waiver is stored,
audited and shown on the initiative.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import ApprovalWaiver, Initiative
from schema.decision import ApprovalCheck
from schema.enums import InitiativeStatus, Orientation, Origin
from service import audit
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.decisions.payloads import WaiverIn
from service.errors import Conflict, ValidationFailed
from service.i18n import N_
from service.i18n import gettext as _

# Why an approval lacks its enabler, one sentence per orientation that needs one.
NO_ENABLER = {
    Orientation.client_facing: N_(
        "%(code)s is client-facing and no internal enabler that is approved, in progress, on"
        " hold or done stands behind it: link one (it `enables` %(code)s, or %(code)s"
        " `depends_on` it)."
    ),
    Orientation.hybrid: N_(
        "%(code)s is hybrid and no internal enabler that is approved, in progress, on hold or"
        " done stands behind it: link one (it `enables` %(code)s, or %(code)s `depends_on` it)."
    ),
}
WAIVED_TWICE = N_(
    "waivers.%(index)s.check: %(check)s is waived twice; waive only the checks that fail"
    " (%(failing)s)."
)
NOT_FAILING = N_(
    "waivers.%(index)s.check: %(check)s does not fail; waive only the checks that fail"
    " (%(failing)s)."
)


@dataclass(frozen=True)
class Check:
    """One unmet approval check: its flag code and the sentence the CDO office reads."""

    code: ApprovalCheck
    message: str

    def public(self) -> dict[str, str]:
        return {"code": self.code.value, "message": self.message}


def is_approval(current_status: str, final: Callable[[str], Any]) -> bool:
    """True when the change moves the initiative to `approved`."""
    target = final("status")
    return target == InitiativeStatus.approved and current_status != InitiativeStatus.approved


def unmet_checks(initiative: Initiative, final: Callable[[str], Any]) -> list[Check]:
    """The approval checks the initiative fails once changed (`final(field)`: its value
    after the change); the KPI and enabler counts are the ones the database keeps."""
    code = final("code")
    found: list[Check] = []
    if not (final("user_need") or "").strip() and final("origin") != Origin.regulation:
        message = _(
            "%(code)s states no user need: say whose need it serves and what they lack (only"
            " regulation work may go without)."
        ) % {"code": code}
        found.append(Check(ApprovalCheck.NO_USER_NEED, message))
    if initiative.kpi_count == 0:
        message = _("%(code)s is linked to no KPI: link it to the KPI it is meant to move.") % {
            "code": code
        }
        found.append(Check(ApprovalCheck.NO_KPI, message))
    orientation = final("orientation")
    if orientation != Orientation.internal and initiative.enabler_count == 0:
        message = _(NO_ENABLER[Orientation(orientation)]) % {"code": code}
        found.append(Check(ApprovalCheck.MISSING_ENABLER, message))
    return found


def failed(checks: Sequence[Check]) -> Conflict:
    """The 409 listing every unmet check."""
    names = ", ".join(check.code.value for check in checks)
    detail = " ".join(check.message for check in checks)
    return Conflict(
        _(
            "Approval refused: %(names)s. %(detail)s The CDO office may approve anyway by"
            " waiving a check with a reason."
        )
        % {"names": names, "detail": detail},
        code="approval_checks_failed",
        field="status",
        extra={"checks": [check.public() for check in checks]},
    )


def refuse_misplaced_waivers(waivers: Sequence[WaiverIn]) -> None:
    """Refuse (422 on `waivers`) waivers sent with a change that approves nothing."""
    if waivers:
        raise ValidationFailed(
            _("waivers: only a move to approved takes waivers; this change approves nothing."),
            code="waiver_without_approval",
            field="waivers",
        )


def _check_waivers(waivers: Sequence[WaiverIn], unmet: Sequence[Check]) -> None:
    failing = {check.code for check in unmet}
    seen: set[ApprovalCheck] = set()
    for index, waiver in enumerate(waivers):
        if not waiver.reason.strip():
            raise ValidationFailed(
                _("waivers.%(index)s.reason: say why %(check)s is waived.")
                % {"index": index, "check": waiver.check.value},
                code="waiver_reason_required",
                field=f"waivers.{index}.reason",
            )
        if waiver.check not in failing or waiver.check in seen:
            refusal = WAIVED_TWICE if waiver.check in seen else NOT_FAILING
            raise ValidationFailed(
                _(refusal)
                % {
                    "index": index,
                    "check": waiver.check.value,
                    "failing": ", ".join(sorted(failing)) or _("none"),
                },
                code="waiver_not_needed",
                field=f"waivers.{index}.check",
            )
        seen.add(waiver.check)


async def require_approval(
    session: AsyncSession,
    actor: Actor,
    initiative: Initiative,
    final: Callable[[str], Any],
    waivers: Sequence[WaiverIn],
    *,
    change_request_id: int | None = None,
) -> None:
    """Let the CDO office approve the initiative once every check passes or is waived;
    store and audit the waivers. 409 `approval_checks_failed` names every unmet check."""
    policy.require(actor, Permission.decide)
    unmet = unmet_checks(initiative, final)
    _check_waivers(waivers, unmet)
    waived = {waiver.check for waiver in waivers}
    still = [check for check in unmet if check.code not in waived]
    if still:
        raise failed(still)
    assert initiative.id is not None
    for waiver in waivers:
        row = ApprovalWaiver(
            initiative_id=initiative.id,
            check=waiver.check.value,
            reason=waiver.reason,
            granted_by=actor.account_id,
            change_request_id=change_request_id,
        )
        session.add(row)
        await session.flush()
        assert row.id is not None
        after = audit.row_values(row)
        parent = ("initiative", initiative.id)
        await audit.record(
            session, actor, "waive", "approval_waiver", row.id, after=after, parent=parent
        )


async def list_waivers(session: AsyncSession, initiative_id: int) -> Sequence[ApprovalWaiver]:
    """The waivers granted on an initiative, oldest first."""
    stmt = (
        sa.select(ApprovalWaiver)
        .where(col(ApprovalWaiver.initiative_id) == initiative_id)
        .order_by(col(ApprovalWaiver.id))
    )
    return (await session.scalars(stmt)).all()
