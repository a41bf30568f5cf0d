"""The check-in form: prefilled from the latest check-in, two minutes to fill in."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from schema import ProgressUpdate
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.errors import Conflict, DomainError, not_found
from service.i18n import gettext as _
from service.initiatives import browse, checkins
from service.initiatives.payloads import CheckInCreate
from service.initiatives.rules import CLOSED_STATUSES
from service.pages.forms import FormState, clean, parse, refuse

FIELDS = (
    "reported_on",
    "percent_complete",
    "health",
    "confidence",
    "spent_to_date",
    "summary",
    "blockers",
    "next_steps",
)
OPTIONAL = ("reported_on", "confidence", "spent_to_date")


@dataclass(frozen=True)
class CheckInForm:
    initiative: sa.Row[Any]
    last: ProgressUpdate | None
    form: FormState


async def open_form(
    session: AsyncSession, actor: Actor, initiative_id: int, state: FormState | None = None
) -> CheckInForm:
    """The form for a new check-in on an open initiative the actor may check in on."""
    row = (await browse.initiatives_by_id(session, [initiative_id])).get(initiative_id)
    if row is None:
        raise not_found("Initiative", initiative_id)
    policy.require(
        actor, Permission.post_checkin, department_id=row.department_id, owner_id=row.owner_id
    )
    if row.status in CLOSED_STATUSES:
        closed = (
            _("%(code)s is done: it takes no more check-ins.")
            if row.status == "done"
            else _("%(code)s is stopped: it takes no more check-ins.")
        )
        raise Conflict(
            closed % {"code": row.code},
            code="initiative_closed",
        )
    latest = await checkins.list_checkins(session, initiative_id, limit=1)
    last = latest[0] if latest else None
    if state is None:
        state = FormState(values=prefill(last))
    return CheckInForm(initiative=row, last=last, form=state)


def prefill(last: ProgressUpdate | None) -> dict[str, Any]:
    """Today's date and, from the latest check-in, everything but its summary."""
    values: dict[str, Any] = {"reported_on": date.today().isoformat()}
    if last is None:
        return values | {"percent_complete": 0, "health": "green"}
    return values | {
        "percent_complete": last.percent_complete,
        "health": last.health,
        "confidence": "" if last.confidence is None else last.confidence,
        "spent_to_date": last.spent_to_date,
        "blockers": last.blockers,
        "next_steps": last.next_steps,
    }


async def submit(
    session: AsyncSession, actor: Actor, initiative_id: int, form: dict[str, str], state: FormState
) -> bool:
    """Record the check-in the form describes; False with the errors in `state`."""
    state.values = dict(form)
    values = clean({k: v for k, v in form.items() if k in FIELDS}, OPTIONAL)
    data = parse(CheckInCreate, values | {"author_id": actor.person_id}, state)
    if data is None:
        return False
    try:
        await checkins.create_checkin(session, actor, initiative_id, data)
    except DomainError as exc:
        await session.rollback()
        refuse(state, exc, set(FIELDS))
        return False
    return True
