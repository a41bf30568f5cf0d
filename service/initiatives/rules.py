"""The initiative rules, written once for every surface.

REST, GraphQL and the pages reach them through the initiative service, which raises the
first breach; the import checks every row with them and reports each breach on its cell;
the demo company is loaded through the import. So a bad value gets the same message
wherever it comes from.

- The client share follows the orientation: 1 for client-facing work, 0 for internal work;
  only a hybrid initiative takes a share between 0 and 1 (0.5 unless given).
- A stopped initiative states its lessons learned.
- The target date is not before the start date.
- A status moves only along the lifecycle (schema.enums.TRANSITIONS).
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from schema.enums import TRANSITIONS, InitiativeStatus, Orientation
from service.errors import DomainError, InvalidTransition, ValidationFailed
from service.i18n import N_
from service.i18n import gettext as _

CLIENT_SHARE: dict[str, Decimal] = {
    Orientation.client_facing: Decimal("1"),
    Orientation.internal: Decimal("0"),
    Orientation.hybrid: Decimal("0.5"),
}
# Why a share cannot be given, one sentence per fixed orientation.
FIXED_SHARE = {
    Orientation.client_facing: N_(
        "client_share is %(share)s for a client_facing initiative; only a hybrid initiative"
        " takes a share between 0 and 1."
    ),
    Orientation.internal: N_(
        "client_share is %(share)s for an internal initiative; only a hybrid initiative"
        " takes a share between 0 and 1."
    ),
}
# A status in a sentence: as stored in English (the value API clients send, also in the
# error's `extra`), as people say it in French.
STATUS_WORDS = {
    InitiativeStatus.proposed: N_("proposed"),
    InitiativeStatus.approved: N_("approved"),
    InitiativeStatus.in_progress: N_("in_progress"),
    InitiativeStatus.on_hold: N_("on_hold"),
    InitiativeStatus.done: N_("done"),
    InitiativeStatus.stopped: N_("stopped"),
}
STARTING_STATUSES = (InitiativeStatus.proposed, InitiativeStatus.approved)
CLOSED_STATUSES = (InitiativeStatus.done, InitiativeStatus.stopped)


@dataclass(frozen=True)
class Breach:
    """One broken rule: a stable code, the field at fault and the sentence users read."""

    code: str
    field: str
    message: str
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    def error(self) -> DomainError:
        """The domain error a service raises for it: 409 for a status move, else 422."""
        kind = InvalidTransition if self.code == "invalid_transition" else ValidationFailed
        return kind(self.message, code=self.code, field=self.field, extra=self.extra)


def raise_first(breaches: list[Breach]) -> None:
    """Raise the first breach's error, if any."""
    if breaches:
        raise breaches[0].error()


def client_share(
    orientation: str, given: Decimal | None, *, keep: Decimal | None
) -> tuple[Decimal, Breach | None]:
    """The share to store: fixed unless hybrid; `keep` is the stored share of an initiative
    that stays hybrid (kept when none is given)."""
    fixed = CLIENT_SHARE[orientation]
    if orientation != Orientation.hybrid:
        if given is not None and Decimal(given) != fixed:
            message = _(FIXED_SHARE[Orientation(orientation)]) % {"share": fixed}
            return fixed, Breach("client_share_not_settable", "client_share", message)
        return fixed, None
    if given is not None:
        return Decimal(given), None
    return (keep if keep is not None else fixed), None


def status_word(status: str) -> str:
    """`status` as a sentence of the request's language says it."""
    return _(STATUS_WORDS[InitiativeStatus(status)])


def allowed_moves(current: InitiativeStatus) -> list[InitiativeStatus]:
    """The statuses `current` may move to, in lifecycle order."""
    return [status for status in InitiativeStatus if status in TRANSITIONS[current]]


def transition(current: str, target: str) -> Breach | None:
    """A status move off the lifecycle (staying put is no move)."""
    now, then = InitiativeStatus(current), InitiativeStatus(target)
    if then == now or then in TRANSITIONS[now]:
        return None
    moves = allowed_moves(now)
    allowed = ", ".join(status_word(status) for status in moves) or _("none")
    message = _(
        "An initiative cannot go from %(from)s to %(to)s; allowed from %(from)s: %(allowed)s."
    ) % {
        "from": status_word(now),
        "to": status_word(then),
        "allowed": allowed,
    }
    extra = {
        "from_status": now.value,
        "to_status": then.value,
        "allowed": [status.value for status in moves],
    }
    return Breach("invalid_transition", "status", message, extra)


def check(final: Callable[[str], Any], *, current_status: str | None) -> list[Breach]:
    """The breaches of an initiative as it would be stored: `final(name)` is each field's
    value after the change; `current_status` the stored status (None for a new one)."""
    found: list[Breach] = []
    status = final("status")
    moved = transition(current_status, status) if current_status and status else None
    if moved is not None:
        found.append(moved)
    start, target = final("start_date"), final("target_date")
    if _dated(start) and _dated(target) and target < start:
        message = _("target_date %(target)s is before start_date %(start)s.") % {
            "target": target,
            "start": start,
        }
        found.append(Breach("target_before_start", "target_date", message))
    if status == InitiativeStatus.stopped and not (final("lessons_learned") or "").strip():
        message = _("A stopped initiative needs lessons learned: say what the attempt taught.")
        found.append(Breach("lessons_learned_required", "lessons_learned", message))
    return found


def _dated(value: Any) -> bool:
    return isinstance(value, date)
