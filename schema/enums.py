"""Value domains of the portfolio."""

from enum import StrEnum


class InitiativeStatus(StrEnum):
    proposed = "proposed"
    approved = "approved"
    in_progress = "in_progress"
    on_hold = "on_hold"
    done = "done"
    stopped = "stopped"


ACTIVE_STATUSES = (
    InitiativeStatus.approved,
    InitiativeStatus.in_progress,
    InitiativeStatus.on_hold,
)

# Allowed lifecycle moves: proposed -> approved -> in_progress <-> on_hold -> done | stopped.
TRANSITIONS: dict[InitiativeStatus, frozenset[InitiativeStatus]] = {
    InitiativeStatus.proposed: frozenset({InitiativeStatus.approved, InitiativeStatus.stopped}),
    InitiativeStatus.approved: frozenset({InitiativeStatus.in_progress, InitiativeStatus.stopped}),
    InitiativeStatus.in_progress: frozenset(
        {InitiativeStatus.on_hold, InitiativeStatus.done, InitiativeStatus.stopped}
    ),
    InitiativeStatus.on_hold: frozenset(
        {InitiativeStatus.in_progress, InitiativeStatus.done, InitiativeStatus.stopped}
    ),
    InitiativeStatus.done: frozenset(),
    InitiativeStatus.stopped: frozenset(),
}


class Orientation(StrEnum):
    client_facing = "client_facing"
    internal = "internal"
    hybrid = "hybrid"


class Origin(StrEnum):
    user_need = "user_need"
    regulation = "regulation"
    efficiency = "efficiency"
    technology = "technology"


class LinkKind(StrEnum):
    enables = "enables"
    depends_on = "depends_on"


class Direction(StrEnum):
    increase = "increase"
    decrease = "decrease"


class Perspective(StrEnum):
    customer = "customer"
    employee = "employee"
    operations = "operations"
    financial = "financial"


class Cadence(StrEnum):
    monthly = "monthly"
    quarterly = "quarterly"


class Health(StrEnum):
    green = "green"
    amber = "amber"
    red = "red"


class Severity(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


class IrritantStatus(StrEnum):
    open = "open"
    addressed = "addressed"
    closed = "closed"


class Language(StrEnum):
    """The languages pages, messages and emails are written in (service/i18n/)."""

    en = "en"
    fr = "fr"


class Role(StrEnum):
    """What an account may do (see service/auth/policy.py)."""

    cdo_office = "cdo_office"
    department_head = "department_head"
    contributor = "contributor"
    viewer = "viewer"
    bi_reader = "bi_reader"
