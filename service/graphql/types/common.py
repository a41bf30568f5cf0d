"""What every type shares: the Node interface, the enums, and row helpers."""

from collections.abc import Iterable
from enum import Enum, StrEnum
from typing import Any

import strawberry

from schema import enums
from service.graphql.ids import encode_id


def enum_of(name: str, values: Iterable[str], description: str) -> Any:
    """A GraphQL enum whose names are the given wire values."""
    copy = StrEnum(name, {value: value for value in values})  # type: ignore[misc]
    return strawberry.enum(copy, description=description)


def _enum(source: type[StrEnum], description: str) -> Any:
    """A GraphQL enum with the same names and values as a domain enum."""
    return enum_of(source.__name__, [member.value for member in source], description)


InitiativeStatus = _enum(
    enums.InitiativeStatus,
    "Lifecycle of an initiative: proposed, approved, in_progress, on_hold, done or stopped.",
)
Orientation = _enum(
    enums.Orientation, "Whom an initiative serves: clients, the organisation itself, or both."
)
Origin = _enum(enums.Origin, "Why an initiative exists.")
LinkKind = _enum(enums.LinkKind, "How one initiative relates to another.")
Direction = _enum(enums.Direction, "Which way a KPI should move.")
Perspective = _enum(enums.Perspective, "The balanced-scorecard perspective of a KPI.")
Cadence = _enum(enums.Cadence, "How often a KPI is measured.")
Health = _enum(enums.Health, "Traffic-light health reported in a check-in.")
Severity = _enum(enums.Severity, "How urgent a portfolio flag is.")


@strawberry.enum(description="Order of a nested list of facts by id (time of recording).")
class SortOrder(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.interface(description="An object with an opaque global id, fetchable with `node(id:)`.")
class Node:
    database_id: int = strawberry.field(
        description="The row's id in the database: stable, and the key REST uses."
    )

    @strawberry.field(description='Opaque global id (base64 of "Type:databaseId").')
    def id(self) -> strawberry.ID:
        name = type(self).__strawberry_definition__.name  # type: ignore[attr-defined]
        return strawberry.ID(encode_id(name, self.database_id))
