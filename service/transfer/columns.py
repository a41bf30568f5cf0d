"""The columns of each sheet (one per entity): name, whether required, how a cell is read.

Column names are the PRODUCT.md field names in snake_case; references use the natural key
of what they point at (`department_code`, `manager_email`, ...). The same columns, in the
same order, are what the export writes and what the templates show.

Lists use `|`: `kpis.department_codes` (`hr|it`, the first is the owner),
`kpis.driver_codes` (KPIs that drive this one), `initiatives.kpi_links`
(`NPS:0.5|CHURN:0.3`, code and weight), `initiatives.kpi_rationales` (why each linked KPI
moves: `NPS: Faster answers.|CHURN: Fewer calls.`), `initiatives.enables` and
`initiatives.depends_on` (initiative codes).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from schema.enums import (
    Cadence,
    Direction,
    Health,
    InitiativeStatus,
    Orientation,
    Origin,
    Perspective,
)
from schema.text import CODE_MAX, LONG_TEXT_MAX, NAME_MAX, NOTE_MAX, TITLE_MAX
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


def _text(name: str, max_length: int | None = None, *, required: bool = False) -> Column:
    return Column(name, cells.text(max_length), required=required, default="", target=name)


def _stripped(name: str, max_length: int, *, required: bool = False) -> Column:
    return Column(
        name, cells.text(max_length, strip=True), required=required, default="", target=name
    )


def _person(name: str, target: str, *, required: bool = False) -> Column:
    return Column(name, cells.email, required=required, target=target, ref=("person", "email"))


def _date(name: str, *, required: bool = False) -> Column:
    return Column(name, cells.iso_date, required=required, kind="date", target=name)


DEPARTMENTS = Entity(
    name="departments",
    table="department",
    key=("code",),
    columns=(
        Column("code", DEPARTMENT_CODE, required=True, target="code"),
        _stripped("name", NAME_MAX, required=True),
        _person("head_email", "head_id"),
    ),
    deferred=("head_email",),
)

PEOPLE = Entity(
    name="people",
    table="person",
    key=("email",),
    columns=(
        Column("email", cells.email, required=True, target="email"),
        _stripped("name", NAME_MAX, required=True),
        _stripped("title", NAME_MAX),
        Column(
            "department_code",
            DEPARTMENT_CODE,
            target="department_id",
            ref=("department", "code"),
        ),
        _person("manager_email", "manager_id"),
        Column("is_active", cells.boolean, default=True, kind="boolean", target="is_active"),
    ),
    deferred=("manager_email",),
)

KPIS = Entity(
    name="kpis",
    table="kpi",
    key=("code",),
    columns=(
        Column("code", KPI_CODE, required=True, target="code"),
        _stripped("name", NAME_MAX, required=True),
        _text("definition", LONG_TEXT_MAX),
        _stripped("unit", CODE_MAX),
        Column("direction", cells.enum(Direction), required=True, target="direction"),
        Column("perspective", cells.enum(Perspective), required=True, target="perspective"),
        Column("baseline_value", VALUE, kind="number", target="baseline_value"),
        _date("baseline_date"),
        Column("target_value", VALUE, kind="number", target="target_value"),
        _date("target_date"),
        Column("cadence", cells.enum(Cadence), default="monthly", target="cadence"),
        Column("department_codes", cells.code_list(DEPARTMENT_CODE), required=True, kind="list"),
        Column("driver_codes", cells.code_list(KPI_CODE), default=[], kind="list"),
    ),
    deferred=("department_codes", "driver_codes"),
)

INITIATIVES = Entity(
    name="initiatives",
    table="initiative",
    key=("code",),
    columns=(
        Column("code", INITIATIVE_CODE, required=True, target="code"),
        _text("title", TITLE_MAX, required=True),
        _text("description", LONG_TEXT_MAX),
        Column(
            "department_code",
            DEPARTMENT_CODE,
            required=True,
            target="department_id",
            ref=("department", "code"),
        ),
        _person("owner_email", "owner_id", required=True),
        _person("sponsor_email", "sponsor_id"),
        Column("status", cells.enum(InitiativeStatus), default="proposed", target="status"),
        Column("orientation", cells.enum(Orientation), required=True, target="orientation"),
        Column("client_share", SHARE, kind="number", target="client_share"),
        Column("origin", cells.enum(Origin), default="user_need", target="origin"),
        _text("user_need", LONG_TEXT_MAX),
        _text("target_users", LONG_TEXT_MAX),
        Column(
            "is_experiment", cells.boolean, default=False, kind="boolean", target="is_experiment"
        ),
        _text("hypothesis", LONG_TEXT_MAX),
        _text("lessons_learned", LONG_TEXT_MAX),
        _date("start_date"),
        _date("target_date"),
        Column(
            "budget_planned", MONEY, default=Decimal("0"), kind="money", target="budget_planned"
        ),
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
    deferred=("kpi_links", "kpi_rationales", "enables", "depends_on"),
)

MEASUREMENTS = Entity(
    name="measurements",
    table="kpi_measurement",
    key=("kpi_code", "measured_on"),
    columns=(
        Column("kpi_code", KPI_CODE, required=True, target="kpi_id", ref=("kpi", "code")),
        _date("measured_on", required=True),
        Column("value", VALUE, required=True, kind="number", target="value"),
        _stripped("source", NAME_MAX),
        _person("recorded_by_email", "recorded_by_id"),
    ),
)

CHECKINS = Entity(
    name="checkins",
    table="progress_update",
    key=("initiative_code", "reported_on", "summary"),
    columns=(
        Column(
            "initiative_code",
            INITIATIVE_CODE,
            required=True,
            target="initiative_id",
            ref=("initiative", "code"),
        ),
        _date("reported_on", required=True),
        _person("author_email", "author_id"),
        Column(
            "percent_complete",
            cells.integer(0, 100),
            required=True,
            kind="integer",
            target="percent_complete",
        ),
        Column("health", cells.enum(Health), required=True, target="health"),
        Column("confidence", cells.integer(0, 10), kind="integer", target="confidence"),
        Column("spent_to_date", MONEY, default=Decimal("0"), kind="money", target="spent_to_date"),
        _text("summary", NOTE_MAX, required=True),
        _text("blockers", NOTE_MAX),
        _text("next_steps", NOTE_MAX),
    ),
)

ENTITIES: tuple[Entity, ...] = (DEPARTMENTS, PEOPLE, KPIS, INITIATIVES, MEASUREMENTS, CHECKINS)
BY_NAME: dict[str, Entity] = {entity.name: entity for entity in ENTITIES}
