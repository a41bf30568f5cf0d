"""Which GraphQL fields are columns, relations and pages of which tables.

A template's `{t}` is the alias of the row the field is read on, `{o}` the alias the
relation gives its own rows. Fields absent here (flags, thrust, history, analytics...)
have resolvers that are not plain reads: a document selecting one is not compiled.
"""

from dataclasses import dataclass, field

from service.fields import DATE as DATE  # the kinds, for the compiler
from service.fields import DATETIME as DATETIME
from service.fields import DECIMAL, PLAIN, Declared, camel, kind
from service.fields import entities as declared


@dataclass(frozen=True)
class Leaf:
    """A value of the row: a column, or an expression over it."""

    sql: str
    kind: str = PLAIN


@dataclass(frozen=True)
class One:
    """At most one object: `(SELECT <object> FROM <source>)`."""

    target: str
    source: str


@dataclass(frozen=True)
class Many:
    """A plain list of objects, in `order`."""

    target: str
    source: str
    order: str


@dataclass(frozen=True)
class Page:
    """A keyset connection over `table` in id order, restricted to `where` below a parent.

    An `ordered` page takes `order: ASC|DESC`; each range is an argument, its condition
    (`{o}` the row, `{v}` the value; a null value drops it) and the value's SQL type.
    """

    target: str
    where: str = ""
    ordered: bool = False
    ranges: tuple[tuple[str, str, str], ...] = ()

    @property
    def arguments(self) -> frozenset[str]:
        """The arguments a nested page takes besides `first` and `after`."""
        return frozenset([*(["order"] if self.ordered else []), *(r[0] for r in self.ranges)])


@dataclass(frozen=True)
class Entity:
    """A GraphQL object type read from one table."""

    table: str
    fields: dict[str, Leaf | One | Many | Page] = field(default_factory=dict)
    node: bool = True  # implements Node: `id` is the global id


def columns(*names: str, kind: str = PLAIN) -> dict[str, Leaf]:
    """Plain columns by their GraphQL names (the column is the snake_case name)."""
    return {name: Leaf("{t}." + _snake(name), kind) for name in names}


def declared_columns(entity: Declared) -> dict[str, Leaf]:
    """The plain columns the entity's declaration shows in GraphQL, by their field names."""
    return {
        camel(name): Leaf("{t}." + column.name, kind(column))
        for name, column in entity.shown("graphql")
    }


def _snake(name: str) -> str:
    return "".join("_" + char.lower() if char.isupper() else char for char in name)


def _latest_check_in(column: str, kind: str = PLAIN) -> Leaf:
    return Leaf(
        f"(SELECT u.{column} FROM progress_update u WHERE u.id = {{t}}.last_check_in_id)", kind
    )


def _code_of(table: str, key: str) -> Leaf:
    return Leaf(f"(SELECT c.code FROM {table} c WHERE c.id = {{t}}.{key})")


def _person(key: str) -> One:
    return One("Person", f"person {{o}} WHERE {{o}}.id = {{t}}.{key}")


def _linked(this: str, other: str, kind: str) -> Many:
    source = (
        f"initiative_link l JOIN initiative {{o}} ON {{o}}.id = l.{other}"
        f" WHERE l.{this} = {{t}}.id AND l.kind = '{kind}'"
    )
    return Many("Initiative", source, "{o}.id")


ROW = {"databaseId": Leaf("{t}.id")}

# The managers above a person, nearest first, as `Loaders._chain` walks them (100 at most).
_CHAIN = (
    "(WITH RECURSIVE c(boss_id, depth) AS ("
    " SELECT {t}.manager_id, 1 WHERE {t}.manager_id IS NOT NULL"
    " UNION ALL SELECT up.manager_id, c.depth + 1 FROM c JOIN person up ON up.id = c.boss_id"
    " WHERE up.manager_id IS NOT NULL AND c.depth < 100"
    ") SELECT boss_id, depth FROM c) {o}_c JOIN person {o} ON {o}.id = {o}_c.boss_id"
)

ENTITIES: dict[str, Entity] = {
    "Department": Entity(
        "department",
        {
            **declared_columns(declared.DEPARTMENT),
            "head": _person("head_id"),
            "people": Page("Person", "{o}.department_id = {t}.id"),
            "initiatives": Page("Initiative", "{o}.department_id = {t}.id"),
            "kpis": Many(
                "Kpi",
                "kpi_department kd JOIN kpi {o} ON {o}.id = kd.kpi_id"
                " WHERE kd.department_id = {t}.id",
                "{o}.id",
            ),
        },
    ),
    "Person": Entity(
        "person",
        {
            **declared_columns(declared.PERSON),
            "department": One("Department", "department {o} WHERE {o}.id = {t}.department_id"),
            "manager": _person("manager_id"),
            "reports": Many("Person", "person {o} WHERE {o}.manager_id = {t}.id", "{o}.id"),
            "chain": Many("Person", _CHAIN, "{o}_c.depth"),
            "initiativesOwned": Page("Initiative", "{o}.owner_id = {t}.id"),
        },
    ),
    "Initiative": Entity(
        "initiative",
        {
            **declared_columns(declared.INITIATIVE),
            "department": One("Department", "department {o} WHERE {o}.id = {t}.department_id"),
            "owner": _person("owner_id"),
            "sponsor": _person("sponsor_id"),
            "latestUpdate": One(
                "ProgressUpdate", "progress_update {o} WHERE {o}.id = {t}.last_check_in_id"
            ),
            "health": _latest_check_in("health"),
            "percentComplete": _latest_check_in("percent_complete"),
            "spentToDate": _latest_check_in("spent_to_date", DECIMAL),
            "kpis": Many(
                "InitiativeKpi", "initiative_kpi {o} WHERE {o}.initiative_id = {t}.id", "{o}.kpi_id"
            ),
            "enables": _linked("from_id", "to_id", "enables"),
            "enabledBy": _linked("to_id", "from_id", "enables"),
            "dependsOn": _linked("from_id", "to_id", "depends_on"),
            "dependedOnBy": _linked("to_id", "from_id", "depends_on"),
            "updates": Page("ProgressUpdate", "{o}.initiative_id = {t}.id", ordered=True),
        },
    ),
    "InitiativeKpi": Entity(
        "initiative_kpi",
        {
            **ROW,
            **columns("initiativeId", "kpiId", "rationale"),
            **columns("weight", kind=DECIMAL),
            "kpi": One("Kpi", "kpi {o} WHERE {o}.id = {t}.kpi_id"),
            "initiative": One("Initiative", "initiative {o} WHERE {o}.id = {t}.initiative_id"),
        },
        node=False,
    ),
    "Kpi": Entity(
        "kpi",
        {
            **declared_columns(declared.KPI),
            "departments": Many(
                "Department",
                "kpi_department kd JOIN department {o} ON {o}.id = kd.department_id"
                " WHERE kd.kpi_id = {t}.id",
                "kd.position",
            ),
            "isShared": Leaf(
                "(SELECT count(*) >= 2 FROM kpi_department kd WHERE kd.kpi_id = {t}.id)"
            ),
            "drivers": Many(
                "Kpi",
                "kpi_driver kd JOIN kpi {o} ON {o}.id = kd.driver_kpi_id"
                " WHERE kd.driven_kpi_id = {t}.id",
                "{o}.id",
            ),
            "driven": Many(
                "Kpi",
                "kpi_driver kd JOIN kpi {o} ON {o}.id = kd.driven_kpi_id"
                " WHERE kd.driver_kpi_id = {t}.id",
                "{o}.id",
            ),
            "initiatives": Page("InitiativeKpi", "{o}.kpi_id = {t}.id"),
            "measurements": Page(
                "KpiMeasurement",
                "{o}.kpi_id = {t}.id",
                ordered=True,
                ranges=(
                    ("from", "{o}.measured_on >= {v}", "date"),
                    ("to", "{o}.measured_on <= {v}", "date"),
                ),
            ),
            "latestMeasurement": One(
                "KpiMeasurement",
                "kpi_measurement {o} WHERE {o}.kpi_id = {t}.id"
                " ORDER BY {o}.measured_on DESC LIMIT 1",
            ),
        },
    ),
    "KpiMeasurement": Entity(
        "kpi_measurement",
        {
            **declared_columns(declared.KPI_MEASUREMENT),
            "kpiCode": _code_of("kpi", "kpi_id"),
            "kpi": One("Kpi", "kpi {o} WHERE {o}.id = {t}.kpi_id"),
            "recordedBy": _person("recorded_by_id"),
        },
    ),
    "ProgressUpdate": Entity(
        "progress_update",
        {
            **declared_columns(declared.PROGRESS_UPDATE),
            "initiativeCode": _code_of("initiative", "initiative_id"),
            "initiative": One("Initiative", "initiative {o} WHERE {o}.id = {t}.initiative_id"),
            "author": _person("author_id"),
        },
    ),
}

# Root connections: their filter arguments are the listing filters (`root_filters`).
ROOT_PAGES = {
    "departments": Page("Department"),
    "people": Page("Person"),
    "initiatives": Page("Initiative"),
    "kpis": Page("Kpi"),
}
