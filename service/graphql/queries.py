"""The read side: global lookups and the root connections BI tools page through."""

from datetime import date, datetime
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry

from service.auth import policy
from service.errors import ValidationFailed
from service.graphql import batches as t
from service.graphql import root_filters
from service.graphql.analytics import AnalyticsQuery
from service.graphql.audit import AuditQuery
from service.graphql.connections import (
    AFTER,
    FIRST,
    MAX_PAGE,
    UPDATED_SINCE,
    Connection,
    root_page,
)
from service.graphql.decisions import DecisionQuery
from service.graphql.deletions import DeletionQuery
from service.graphql.ids import database_id, decode_id
from service.graphql.prefetch import node_selections, prefetch
from service.graphql.types.common import InitiativeStatus, Node, Orientation, Origin, Perspective
from service.graphql.types.initiatives import InitiativeNode, ProgressUpdateNode
from service.graphql.types.irritants import IrritantQuery
from service.graphql.types.kpis import KpiMeasurementNode, KpiNode
from service.graphql.types.lessons import LessonQuery
from service.graphql.types.org import DepartmentNode, PersonNode
from service.graphql.types.scenarios import ScenarioQuery
from service.i18n import gettext as _
from service.listing import initiatives as initiative_listing
from service.listing import kpis as kpi_listing
from service.listing import org as org_listing
from service.listing import progress as progress_listing

First = Annotated[int | None, strawberry.argument(description=FIRST)]
After = Annotated[str | None, strawberry.argument(description=AFTER)]
Since = Annotated[datetime | None, strawberry.argument(description=UPDATED_SINCE)]
IdArg = Annotated[strawberry.ID | None, strawberry.argument(description="Global or database id.")]
IdsArg = Annotated[
    list[strawberry.ID] | None, strawberry.argument(description="Global or database ids.")
]
FromDay = Annotated[date | None, strawberry.argument(name="from", description="On or after.")]
ToDay = Annotated[date | None, strawberry.argument(description="On or before.")]


CodeArg = Annotated[str | None, strawberry.argument(description="Unique code.")]
EmailArg = Annotated[str | None, strawberry.argument(description="E-mail address.")]


NODE_LOADERS = {
    "Department": "department",
    "Person": "person",
    "Initiative": "initiative",
    "Kpi": "kpi",
    "ProgressUpdate": "progress_update",
    "KpiMeasurement": "kpi_measurement",
    "AuditEvent": "audit_event",
    "ChangeRequest": "change_request",
}
# The REST rule of the same objects: only the CDO office reads the audit trail.
NODE_PERMISSIONS = {"AuditEvent": policy.Permission.read_audit}


def _node(info: strawberry.Info, global_id: str) -> Any:
    type_name, key = decode_id(global_id)
    loader = NODE_LOADERS.get(type_name)
    if loader is None:
        raise ValidationFailed(
            _("No object type %(type)r.") % {"type": type_name}, code="invalid_id", field="id"
        )
    permission = NODE_PERMISSIONS.get(type_name)
    if permission is not None:
        policy.require(info.context.actor, permission)
    return getattr(info.context.loaders, loader).load(key)


async def _await(value: Any) -> Any:
    return await value if hasattr(value, "__await__") else value


async def _lookup(
    info: strawberry.Info, type_name: str, table: sa.Table, column: str, id_: Any, key: Any
) -> Any:
    """The object with database/global id `id_`, or the one whose `column` is `key`."""
    if (id_ is None) == (key is None):
        raise ValidationFailed(_("Give either id or %(key)s.") % {"key": column}, field="id")
    if id_ is not None:
        found = database_id(id_, type_name, field="id")
    else:
        rows = await info.context.rows(sa.select(table.c.id).where(table.c[column] == key))
        if not rows:
            return None
        found = rows[0].id
    return await _await(getattr(info.context.loaders, NODE_LOADERS[type_name]).load(found))


async def _page(
    info: strawberry.Info, base: Any, id_column: Any, node: Any, first: Any, after: Any
) -> Any:
    ctx = info.context
    page = await root_page(ctx.rows, ctx.scalar, base, id_column, node.from_row, first, after)
    await prefetch(ctx, page.nodes, node_selections(info.selected_fields[0]))
    return page


def _refs(values: Any, type_name: str, field: str) -> list[int] | None:
    if values is None:
        return None
    return [database_id(value, type_name, field=field) for value in values]


@strawberry.type(description="Read the portfolio: lookups, root connections and analytics.")
class Query(
    AnalyticsQuery,
    AuditQuery,
    ScenarioQuery,
    DecisionQuery,
    DeletionQuery,
    LessonQuery,
    IrritantQuery,
):
    @strawberry.field(graphql_type=Node | None, description="Any object by its global id.")
    def node(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> Any:
        return _node(info, id)

    @strawberry.field(
        graphql_type=list[Node | None], description="Objects by global id, in the order asked."
    )
    async def nodes(
        self,
        info: strawberry.Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global ids.")],
    ) -> Any:
        if len(ids) > MAX_PAGE:
            raise ValidationFailed(
                _("At most %(max)s ids at once.") % {"max": MAX_PAGE},
                code="page_size_exceeded",
                field="ids",
            )
        return [_node(info, global_id) for global_id in ids]

    @strawberry.field(description="A department by id or code.")
    async def department(
        self, info: strawberry.Info, id: IdArg = None, code: CodeArg = None
    ) -> DepartmentNode | None:
        return await _lookup(info, "Department", t.department, "code", id, code)

    @strawberry.field(description="A person by id or e-mail address.")
    async def person(
        self, info: strawberry.Info, id: IdArg = None, email: EmailArg = None
    ) -> PersonNode | None:
        return await _lookup(info, "Person", t.person, "email", id, email)

    @strawberry.field(description="An initiative by id or code.")
    async def initiative(
        self, info: strawberry.Info, id: IdArg = None, code: CodeArg = None
    ) -> InitiativeNode | None:
        return await _lookup(info, "Initiative", t.initiative, "code", id, code)

    @strawberry.field(description="A KPI by id or code.")
    async def kpi(
        self, info: strawberry.Info, id: IdArg = None, code: CodeArg = None
    ) -> KpiNode | None:
        return await _lookup(info, "Kpi", t.kpi, "code", id, code)

    @strawberry.field(description="Departments in id order.")
    async def departments(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        updated_since: Since = None,
    ) -> Connection[DepartmentNode]:
        f = root_filters.department_filters({"updated_since": updated_since})
        base = sa.select(t.department).where(*org_listing.department_conditions(f))
        return await _page(info, base, org_listing.DEPARTMENT_ORDER, DepartmentNode, first, after)

    @strawberry.field(description="People in id order.")
    async def people(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        department_id: IdArg = None,
        manager_id: IdArg = None,
        is_active: Annotated[bool | None, strawberry.argument(description="Active or not.")] = None,
        updated_since: Since = None,
    ) -> Connection[PersonNode]:
        args: dict[str, Any] = {"department_id": department_id, "manager_id": manager_id}
        args |= {"is_active": is_active, "updated_since": updated_since}
        f = root_filters.person_filters(args)
        base = sa.select(t.person).where(*org_listing.person_conditions(f))
        return await _page(info, base, org_listing.PERSON_ORDER, PersonNode, first, after)

    @strawberry.field(description="Initiatives in id order.")
    async def initiatives(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        department_id: IdArg = None,
        status: Annotated[
            list[InitiativeStatus] | None, strawberry.argument(description="Any of these statuses.")
        ] = None,
        orientation: Annotated[
            Orientation | None, strawberry.argument(description="Only this orientation.")
        ] = None,
        origin: Annotated[
            Origin | None, strawberry.argument(description="Only this origin.")
        ] = None,
        owner_id: IdArg = None,
        sponsor_id: IdArg = None,
        is_experiment: Annotated[
            bool | None, strawberry.argument(description="Experiments or not.")
        ] = None,
        q: Annotated[
            str | None,
            strawberry.argument(description="Substring of the code, the title or the description."),
        ] = None,
        updated_since: Annotated[
            datetime | None,
            strawberry.argument(
                description="Changed, or given a check-in written, at or after this instant."
            ),
        ] = None,
    ) -> Connection[InitiativeNode]:
        args: dict[str, Any] = {
            "department_id": department_id,
            "status": status,
            "orientation": orientation,
        }
        args |= {"origin": origin, "owner_id": owner_id, "sponsor_id": sponsor_id}
        args |= {"is_experiment": is_experiment, "q": q, "updated_since": updated_since}
        f = root_filters.initiative_filters(args)
        base = sa.select(t.initiative).where(*initiative_listing.conditions(f))
        return await _page(info, base, initiative_listing.ORDER, InitiativeNode, first, after)

    @strawberry.field(description="KPIs in id order.")
    async def kpis(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        perspective: Annotated[
            Perspective | None, strawberry.argument(description="Only this perspective.")
        ] = None,
        department_id: IdArg = None,
        updated_since: Since = None,
    ) -> Connection[KpiNode]:
        args: dict[str, Any] = {"perspective": perspective, "department_id": department_id}
        f = root_filters.kpi_filters(args | {"updated_since": updated_since})
        base = sa.select(t.kpi).where(*kpi_listing.kpi_conditions(f))
        return await _page(info, base, kpi_listing.KPI_ORDER, KpiNode, first, after)

    @strawberry.field(
        description="KPI measurements as flat rows (a time series per KPI), in id order."
    )
    async def kpi_measurements(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        kpi_ids: IdsArg = None,
        from_: FromDay = None,
        to: ToDay = None,
        updated_since: Since = None,
    ) -> Connection[KpiMeasurementNode]:
        f = kpi_listing.MeasurementFilters(
            kpi_ids=_refs(kpi_ids, "Kpi", "kpiIds"),
            measured_from=from_,
            measured_to=to,
            updated_since=updated_since,
        )
        base = t.MEASUREMENTS.where(*kpi_listing.measurement_conditions(f))
        order = kpi_listing.MEASUREMENT_ORDER
        return await _page(info, base, order, KpiMeasurementNode, first, after)

    @strawberry.field(description="Check-ins as flat rows, in id order.")
    async def progress_updates(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        initiative_ids: IdsArg = None,
        from_: FromDay = None,
        to: ToDay = None,
        updated_since: Annotated[
            datetime | None,
            strawberry.argument(description="Only check-ins recorded at or after this instant."),
        ] = None,
    ) -> Connection[ProgressUpdateNode]:
        f = progress_listing.ProgressUpdateFilters(
            initiative_ids=_refs(initiative_ids, "Initiative", "initiativeIds"),
            reported_from=from_,
            reported_to=to,
            updated_since=updated_since,
        )
        base = t.UPDATES.where(*progress_listing.conditions(f))
        return await _page(info, base, progress_listing.ORDER, ProgressUpdateNode, first, after)

    @strawberry.field(
        description="The database clock: the next `updatedSince` watermark (minus a margin)."
    )
    async def server_time(self, info: strawberry.Info) -> datetime:
        return await info.context.scalar(sa.select(sa.func.now()))
