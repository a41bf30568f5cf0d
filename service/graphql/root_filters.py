"""The listing filters a root connection's GraphQL arguments ask for, for both paths.

The resolvers pass their keyword arguments; the compiled path passes graphql-core's
coerced argument values under the same snake_case names (enums as their names, ids as
strings). A bad id raises the resolvers' `ValidationFailed`.
"""

from collections.abc import Callable, Mapping
from typing import Any

from service.graphql.ids import database_id
from service.listing import initiatives as initiative_listing
from service.listing import kpis as kpi_listing
from service.listing import org as org_listing

Args = Mapping[str, Any]


def _ref(args: Args, name: str, type_name: str, field: str) -> int | None:
    value = args.get(name)
    return None if value is None else database_id(value, type_name, field=field)


def _text(value: Any) -> str | None:
    """An enum member or its name, as the stored value (the names are the values)."""
    return None if value is None else str(getattr(value, "value", value))


def department_filters(args: Args) -> org_listing.DepartmentFilters:
    """`departments(...)` arguments as department list filters."""
    return org_listing.DepartmentFilters(updated_since=args.get("updated_since"))


def person_filters(args: Args) -> org_listing.PersonFilters:
    """`people(...)` arguments as people list filters."""
    return org_listing.PersonFilters(
        department_id=_ref(args, "department_id", "Department", "departmentId"),
        manager_id=_ref(args, "manager_id", "Person", "managerId"),
        is_active=args.get("is_active"),
        updated_since=args.get("updated_since"),
    )


def initiative_filters(args: Args) -> initiative_listing.InitiativeFilters:
    """`initiatives(...)` arguments as initiative list filters."""
    status = args.get("status")
    return initiative_listing.InitiativeFilters(
        department_id=_ref(args, "department_id", "Department", "departmentId"),
        statuses=None if status is None else [str(_text(s)) for s in status],
        orientation=_text(args.get("orientation")),
        origin=_text(args.get("origin")),
        owner_id=_ref(args, "owner_id", "Person", "ownerId"),
        sponsor_id=_ref(args, "sponsor_id", "Person", "sponsorId"),
        is_experiment=args.get("is_experiment"),
        q=args.get("q"),
        updated_since=args.get("updated_since"),
    )


def kpi_filters(args: Args) -> kpi_listing.KpiFilters:
    """`kpis(...)` arguments as KPI list filters."""
    return kpi_listing.KpiFilters(
        perspective=_text(args.get("perspective")),
        department_id=_ref(args, "department_id", "Department", "departmentId"),
        updated_since=args.get("updated_since"),
    )


# Each root connection: its filters from its arguments, and their WHERE conditions.
ROOTS: dict[str, tuple[Callable[[Args], Any], Callable[[Any], list[Any]]]] = {
    "departments": (department_filters, org_listing.department_conditions),
    "people": (person_filters, org_listing.person_conditions),
    "initiatives": (initiative_filters, initiative_listing.conditions),
    "kpis": (kpi_filters, kpi_listing.kpi_conditions),
}


def root_conditions(root: str, args: Args) -> list[Any]:
    """The WHERE conditions of root connection `root` given its arguments."""
    make, conditions = ROOTS[root]
    return conditions(make(args))
