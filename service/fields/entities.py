"""The declaration of each entity: its table and what each surface leaves out or renames.

A new column shows on REST, GraphQL and the spreadsheet unless it is listed here.
"""

from schema import Department, Initiative, Kpi, KpiMeasurement, Person, ProgressUpdate
from service.fields import Declared, Surface

# Every row's own id is `databaseId` in GraphQL (`id` is the global Node id there).
GRAPHQL = Surface(renamed={"id": "database_id"})
# The sheets identify rows by natural keys and leave the bookkeeping to the database.
BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "version"})

DEPARTMENT = Declared(
    Department.__table__,  # type: ignore[attr-defined]
    graphql=GRAPHQL,
    sheet=Surface(hidden=BOOKKEEPING, renamed={"head_id": "head_email"}),
)

PERSON = Declared(
    Person.__table__,  # type: ignore[attr-defined]
    graphql=GRAPHQL,
    sheet=Surface(
        hidden=BOOKKEEPING,
        renamed={"department_id": "department_code", "manager_id": "manager_email"},
    ),
)

# Figures of the latest check-in (its spend is also kept on the initiative, internal).
_CHECK_IN_FIGURES = ("health", "percent_complete", "spent_to_date")

INITIATIVE = Declared(
    Initiative.__table__,  # type: ignore[attr-defined]
    # Kept by the database for flags, analytics and `updated_since` (migrations 0003, 0018).
    internal=frozenset(
        {
            "kpi_count",
            "shared_kpi_count",
            "enabler_count",
            "moved_kpi_count",
            "last_check_in_on",
            "last_check_in_id",
            "spent_to_date",
            "figures_changed_at",
        }
    ),
    rest=Surface(computed=(*_CHECK_IN_FIGURES, "last_update_on")),
    graphql=Surface(renamed=GRAPHQL.renamed, computed=_CHECK_IN_FIGURES),
    sheet=Surface(
        hidden=BOOKKEEPING,
        renamed={
            "department_id": "department_code",
            "owner_id": "owner_email",
            "sponsor_id": "sponsor_email",
        },
    ),
)

KPI = Declared(
    Kpi.__table__,  # type: ignore[attr-defined]
    # Kept by the database: the latest measurement and the weight claimed by initiatives.
    internal=frozenset({"last_measured_on", "last_value", "figures_changed_at", "claimed_weight"}),
    rest=Surface(computed=("department_ids", "is_shared", "latest_measurement")),
    graphql=Surface(renamed=GRAPHQL.renamed, computed=("is_shared",)),
    sheet=Surface(hidden=BOOKKEEPING),
)

KPI_MEASUREMENT = Declared(
    KpiMeasurement.__table__,  # type: ignore[attr-defined]
    graphql=Surface(renamed=GRAPHQL.renamed, computed=("kpi_code",)),
    sheet=Surface(
        hidden=BOOKKEEPING,
        renamed={"kpi_id": "kpi_code", "recorded_by_id": "recorded_by_email"},
    ),
)

PROGRESS_UPDATE = Declared(
    ProgressUpdate.__table__,  # type: ignore[attr-defined]
    graphql=Surface(renamed=GRAPHQL.renamed, computed=("initiative_code",)),
    sheet=Surface(
        hidden=frozenset({"id", "created_at"}),
        renamed={"initiative_id": "initiative_code", "author_id": "author_email"},
    ),
)

# By table name.
DECLARED: dict[str, Declared] = {
    d.table.name: d for d in (DEPARTMENT, PERSON, INITIATIVE, KPI, KPI_MEASUREMENT, PROGRESS_UPDATE)
}
