"""Who is acting: every write service function takes an Actor (for authorization and audit)."""

from dataclasses import dataclass

from schema.enums import Role

__all__ = ["SYSTEM", "Actor", "Role"]


@dataclass(frozen=True)
class Actor:
    """The account behind a request, command or import."""

    account_id: int | None
    role: Role
    department_id: int | None = None
    person_id: int | None = None
    request_id: str | None = None
    label: str = "system"
    # The account's chosen language (`en`, `fr`); None: the browser's `Accept-Language`.
    locale: str | None = None


# The command line and the demo loader act as the CDO office.
SYSTEM = Actor(account_id=None, role=Role.cdo_office, label="system")
