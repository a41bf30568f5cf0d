"""Which GraphQL fields are columns, relations and pages of which tables.

A template's `{t}` is the alias of the row the field is read on, `{o}` the alias the
relation gives its own rows. Fields absent here (flags, thrust, history, analytics...)
have resolvers that are not plain reads: a document selecting one is not compiled.
"""

from dataclasses import dataclass, field

# How a leaf value is written so that it reads as the schema's scalar writes it.
PLAIN = "plain"  # Int, Boolean, String and enums (names are the stored values)
DECIMAL = "decimal"  # str(Decimal)
DATE = "date"  # date.isoformat()
DATETIME = "datetime"  # datetime.isoformat()


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
    """A keyset connection over `table` in id order, restricted to `where` below a parent."""

    target: str
    where: str = ""


@dataclass(frozen=True)
class Entity:
    """A GraphQL object type read from one table."""

    table: str
    fields: dict[str, Leaf | One | Many | Page] = field(default_factory=dict)
    node: bool = True  # implements Node: `id` is the global id


def columns(*names: str, kind: str = PLAIN) -> dict[str, Leaf]:
    """Plain columns by their GraphQL names (the column is the snake_case name)."""
    return {name: Leaf("{t}." + _snake(name), kind) for name in names}


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


STAMPS = {
    **columns("createdAt", "updatedAt", kind=DATETIME),
}
ROW = {"databaseId": Leaf("{t}.id")}

ENTITIES: dict[str, Entity] = {
    "Department": Entity(
        "department",
        {
            **ROW,
            **columns("code", "name", "headId", "version"),
            **STAMPS,
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
            **ROW,
            **columns("name", "email", "title", "departmentId", "managerId", "isActive", "version"),
            **STAMPS,
            "department": One("Department", "department {o} WHERE {o}.id = {t}.department_id"),
            "manager": _person("manager_id"),
            "reports": Many("Person", "person {o} WHERE {o}.manager_id = {t}.id", "{o}.id"),
            "initiativesOwned": Page("Initiative", "{o}.owner_id = {t}.id"),
        },
    ),
    "Initiative": Entity(
        "initiative",
        {
            **ROW,
            **columns(
                "code",
                "title",
                "description",
                "departmentId",
                "ownerId",
                "sponsorId",
                "status",
                "orientation",
                "origin",
                "userNeed",
                "targetUsers",
                "isExperiment",
                "hypothesis",
                "lessonsLearned",
                "version",
            ),
            **columns("clientShare", "budgetPlanned", kind=DECIMAL),
            **columns("startDate", "targetDate", kind=DATE),
            **STAMPS,
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
            **ROW,
            **columns("code", "name", "definition", "unit", "direction", "perspective"),
            **columns("cadence", "version"),
            **columns("baselineValue", "targetValue", kind=DECIMAL),
            **columns("baselineDate", "targetDate", kind=DATE),
            **STAMPS,
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
            **ROW,
            **columns("kpiId", "source", "recordedById", "version"),
            **columns("value", kind=DECIMAL),
            **columns("measuredOn", kind=DATE),
            **STAMPS,
            "kpiCode": _code_of("kpi", "kpi_id"),
            "kpi": One("Kpi", "kpi {o} WHERE {o}.id = {t}.kpi_id"),
            "recordedBy": _person("recorded_by_id"),
        },
    ),
    "ProgressUpdate": Entity(
        "progress_update",
        {
            **ROW,
            **columns("initiativeId", "authorId", "percentComplete", "health", "confidence"),
            **columns("summary", "blockers", "nextSteps"),
            **columns("spentToDate", kind=DECIMAL),
            **columns("reportedOn", kind=DATE),
            **columns("createdAt", kind=DATETIME),
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
