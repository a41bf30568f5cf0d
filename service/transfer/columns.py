"""The columns of each sheet (one per entity): name, whether required, how a cell is read.

A sheet shows the columns its entity's declaration (service.fields.entities) shows in the
sheet, so a new table column becomes a sheet column with no edit here: read as its type
says (text up to its length, dates, numbers to their precision, booleans), references by
the natural key of what they point at (`department_code`, `manager_email`, ...). Only what
a type cannot say is written here: choices, bounds, the order of the leading columns and
the lists. The same columns, in the same order, are what the export writes and what the
templates show; their headers follow from their names (service.transfer.headers).

Lists use `|`: `kpis.department_codes` (`hr|it`, the first is the owner),
`kpis.driver_codes` (KPIs that drive this one), `initiatives.kpi_links`
(`NPS:0.5|CHURN:0.3`, code and weight), `initiatives.kpi_rationales` (why each linked KPI
moves: `NPS: Faster answers.|CHURN: Fewer calls.`), `initiatives.enables` and
`initiatives.depends_on` (initiative codes).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

import sqlalchemy as sa

from schema.enums import (
    Cadence,
    Direction,
    Health,
    InitiativeStatus,
    Orientation,
    Origin,
    Perspective,
)
from schema.text import NAME_MAX, NOTE_MAX
from service.fields import Declared
from service.fields import entities as declared
from service.i18n import N_
from service.transfer import cells
from service.transfer.cells import Reader

# Array element type of the column in the set-based writes (and how export types a cell).
SqlType = Literal["text", "numeric", "date", "boolean", "integer"]
Kind = Literal["text", "date", "money", "number", "integer", "boolean", "list"]

DEPARTMENT_CODE = cells.code(
    r"^[a-z0-9_-]+$", N_("use lower-case letters, digits, - and _ (e.g. customer-service)")
)
KPI_CODE = cells.code(
    r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$",
    N_("use letters, digits and _ . : -, starting with a letter or digit (e.g. NPS)"),
)
INITIATIVE_CODE = cells.code(
    r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$",
    N_("use upper-case letters and digits in dash-separated groups (e.g. INI-042)"),
)
MONEY = cells.number(2, 14, low=Decimal("0"))
VALUE = cells.number(4, 18)
SHARE = cells.number(4, 5, low=Decimal("0"), high=Decimal("1"))


@dataclass(frozen=True)
class Column:
    """One column of a sheet."""

    name: str
    read: Reader
    required: bool = False
    default: object = None
    kind: Kind = "text"
    # The table column written from this one (None: a list handled on its own).
    target: str | None = None
    # (table, natural key) a reference points at, resolved to the target id.
    ref: tuple[str, str] | None = None

    @property
    def sql_type(self) -> SqlType:
        """Element type of this column's array in the writes."""
        if self.ref is not None:
            return "text"
        return {
            "date": "date",
            "money": "numeric",
            "number": "numeric",
            "integer": "integer",
            "boolean": "boolean",
        }.get(self.kind, "text")  # type: ignore[return-value]


@dataclass(frozen=True)
class Entity:
    """A sheet: its columns, natural key and table."""

    name: str
    table: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    # Columns written once every row of every sheet exists (they may point forward).
    deferred: tuple[str, ...] = ()
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    @property
    def names(self) -> list[str]:
        """Column names in sheet order."""
        return [c.name for c in self.columns]


# Each table's natural key: the column rows are matched on and references name them by.
NATURAL_KEYS: dict[str, tuple[str, Reader]] = {
    "department": ("code", DEPARTMENT_CODE),
    "person": ("email", cells.email),
    "kpi": ("code", KPI_CODE),
    "initiative": ("code", INITIATIVE_CODE),
}
# Text up to this length is a name or a label, read without surrounding spaces; longer text
# (titles, descriptions, notes) is kept as typed.
SHORT_TEXT = NAME_MAX


def by_type(name: str, column: sa.Column[Any]) -> Column:
    """The sheet column `name` of a table column, read as its type says.

    A table's natural key is required and read by its pattern; a foreign key is written as
    the natural key of the row it points at.
    """
    table = column.table.name
    if NATURAL_KEYS.get(table, ("", None))[0] == column.name:
        return Column(name, NATURAL_KEYS[table][1], required=True, target=column.name)
    for foreign_key in column.foreign_keys:
        other = foreign_key.target_fullname.split(".")[0]
        key, reader = NATURAL_KEYS[other]
        return Column(name, reader, not column.nullable, target=column.name, ref=(other, key))
    default = _default(column)
    required = not column.nullable and default is None and column.server_default is None
    kind_of = column.type
    if isinstance(kind_of, sa.TypeDecorator):  # e.g. SQLModel's AutoString: its stored type
        kind_of = kind_of.impl_instance
    if isinstance(kind_of, sa.Boolean):
        return Column(name, cells.boolean, required, default, "boolean", column.name)
    if isinstance(kind_of, sa.Date):
        return Column(name, cells.iso_date, required, default, "date", column.name)
    if isinstance(kind_of, sa.Numeric) and kind_of.precision and kind_of.scale is not None:
        kind: Kind = "money" if kind_of.scale == 2 else "number"
        read = cells.number(kind_of.scale, kind_of.precision)
        return Column(name, read, required, default, kind, column.name)
    if isinstance(kind_of, sa.Integer):
        bound = 2**63 if isinstance(kind_of, sa.BigInteger) else 2**31
        read = cells.integer(-bound, bound - 1)
        return Column(name, read, required, default, "integer", column.name)
    if isinstance(kind_of, sa.String):
        length = kind_of.length
        read = cells.text(length, strip=length is not None and length <= SHORT_TEXT)
        return Column(name, read, required, "", "text", column.name)
    where = f"{column.table.name}.{column.name}"
    raise TypeError(f"{where} ({kind_of}): give its reader in its sheet's `read`")


def _default(column: sa.Column[Any]) -> Any:
    """The value the table gives the column when none is written (None if computed)."""
    given = column.default
    if isinstance(given, sa.ColumnDefault) and given.is_scalar:
        return given.arg
    return None


def _choice(name: str, values: type[StrEnum], default: str | None = None) -> Column:
    return Column(name, cells.enum(values), required=default is None, default=default, target=name)


@dataclass(frozen=True)
class Sheet:
    """A sheet of one declared entity: the columns its declaration shows in the sheet (in
    table order after `leading`), each read as its type says unless `read` says more, then
    the `|` lists, written once every row exists (as are the `deferred` references)."""

    name: str
    declared: Declared
    key: tuple[str, ...]
    leading: tuple[str, ...] = ()
    read: tuple[Column, ...] = ()
    lists: tuple[Column, ...] = ()
    deferred: tuple[str, ...] = ()

    def entity(self) -> Entity:
        """The sheet's columns, natural key and table."""
        shown = dict(self.declared.shown("sheet"))
        given = {c.name: c for c in self.read}
        unknown = (given.keys() | set(self.leading)) - shown.keys()
        if unknown:
            raise ValueError(f"{self.name}: {sorted(unknown)} are not columns the sheet shows")
        order = [*self.leading, *(n for n in shown if n not in self.leading)]
        columns = [given.get(n) or by_type(n, shown[n]) for n in order]
        deferred = (*self.deferred, *(c.name for c in self.lists))
        return Entity(
            self.name, self.declared.table.name, self.key, (*columns, *self.lists), deferred
        )


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "departments",
        declared.DEPARTMENT,
        key=("code",),
        deferred=("head_email",),
    ),
    Sheet(
        "people",
        declared.PERSON,
        key=("email",),
        leading=("email",),
        deferred=("manager_email",),
    ),
    Sheet(
        "kpis",
        declared.KPI,
        key=("code",),
        read=(
            _choice("direction", Direction),
            _choice("perspective", Perspective),
            _choice("cadence", Cadence, "monthly"),
        ),
        lists=(
            Column("department_codes", cells.code_list(DEPARTMENT_CODE), True, kind="list"),
            Column("driver_codes", cells.code_list(KPI_CODE), default=[], kind="list"),
        ),
    ),
    Sheet(
        "initiatives",
        declared.INITIATIVE,
        key=("code",),
        read=(
            _choice("status", InitiativeStatus, "proposed"),
            _choice("orientation", Orientation),
            Column("client_share", SHARE, kind="number", target="client_share"),
            _choice("origin", Origin, "user_need"),
            Column(
                "budget_planned", MONEY, default=Decimal("0"), kind="money", target="budget_planned"
            ),
        ),
        lists=(
            Column("kpi_links", cells.weighted_codes(KPI_CODE, SHARE), default=[], kind="list"),
            Column(
                "kpi_rationales",
                cells.explained_codes(KPI_CODE, cells.text(NOTE_MAX)),
                default=[],
                kind="list",
            ),
            Column("enables", cells.code_list(INITIATIVE_CODE), default=[], kind="list"),
            Column("depends_on", cells.code_list(INITIATIVE_CODE), default=[], kind="list"),
        ),
    ),
    Sheet("measurements", declared.KPI_MEASUREMENT, key=("kpi_code", "measured_on")),
    Sheet(
        "checkins",
        declared.PROGRESS_UPDATE,
        key=("initiative_code", "reported_on", "summary"),
        leading=("initiative_code", "reported_on"),
        read=(
            Column(
                "percent_complete",
                cells.integer(0, 100),
                True,
                kind="integer",
                target="percent_complete",
            ),
            _choice("health", Health),
            Column("confidence", cells.integer(0, 10), kind="integer", target="confidence"),
            Column(
                "spent_to_date", MONEY, default=Decimal("0"), kind="money", target="spent_to_date"
            ),
        ),
    ),
)

ENTITIES: tuple[Entity, ...] = tuple(sheet.entity() for sheet in SHEETS)
BY_NAME: dict[str, Entity] = {entity.name: entity for entity in ENTITIES}
DEPARTMENTS, PEOPLE, KPIS, INITIATIVES, MEASUREMENTS, CHECKINS = ENTITIES
