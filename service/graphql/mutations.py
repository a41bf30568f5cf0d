"""The write side: check-ins, KPI measurements and initiatives, through the REST services."""

from collections.abc import Sequence
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from pydantic import BaseModel, ValidationError

from service.errors import ValidationFailed
from service.graphql import batches as t
from service.graphql.decisions import DecisionMutation
from service.graphql.ids import database_id
from service.graphql.loaders import many
from service.graphql.types.common import InitiativeStatus
from service.graphql.types.decisions import WaiverInput, waiver_values
from service.graphql.types.initiatives import InitiativeKpiNode, InitiativeNode, ProgressUpdateNode
from service.graphql.types.inputs import (
    CreateInitiativeInput,
    IdArg,
    KpiMeasurementInput,
    RecordProgressUpdateInput,
    UpdateInitiativeInput,
    VersionArg,
    set_fields,
)
from service.graphql.types.irritants import IrritantMutation
from service.graphql.types.kpis import KpiMeasurementNode
from service.graphql.types.triage import TriageMutation
from service.i18n import gettext as _
from service.initiatives import checkins, links
from service.initiatives import service as initiatives
from service.initiatives.payloads import (
    CheckInCreate,
    InitiativeCreate,
    InitiativeUpdate,
    KpiLinkPut,
)
from service.kpis import measurements as kpi_measurements
from service.kpis.payloads import MAX_BULK, MeasurementCreate
from service.validation_words import sentence

REFERENCES = {
    "department_id": "Department",
    "owner_id": "Person",
    "sponsor_id": "Person",
    "author_id": "Person",
    "recorded_by_id": "Person",
    "kpi_id": "Kpi",
    "initiative_id": "Initiative",
}


def _values(given: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Input values as the REST payloads take them: database ids and plain enum values."""
    values: dict[str, Any] = {}
    for name, value in given.items():
        if isinstance(value, Enum):
            value = value.value
        if name in REFERENCES and value is not None:
            value = database_id(value, REFERENCES[name], field=prefix + name)
        values[name] = value
    return values


def _payload(model: type[BaseModel], values: dict[str, Any], prefix: str = "") -> Any:
    """The REST payload model of the values; its validation errors name the field."""
    try:
        return model(**values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = prefix + ".".join(str(part) for part in error["loc"])
        raise ValidationFailed(sentence(error, raw=True), field=field) from exc


def _without(values: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key != name}


@strawberry.type(description="What a bulk recording of KPI measurements did.")
class RecordKpiMeasurementsPayload:
    created: int = strawberry.field(description="Dates that had no measurement yet.")
    updated: int = strawberry.field(description="Dates whose value, source or recorder changed.")
    unchanged: int = strawberry.field(description="Dates recorded again with identical data.")
    measurements: list[KpiMeasurementNode] = strawberry.field(
        description="The measurements as now stored, by KPI and date."
    )


@strawberry.type(description="An initiative's contribution to a KPI, as now stored.")
class LinkInitiativeKpiPayload:
    link: InitiativeKpiNode = strawberry.field(description="The contribution.")
    created: bool = strawberry.field(description="True when the link is new.")


async def _stored_measurements(
    info: strawberry.Info, keys: Sequence[tuple[int, Any]]
) -> list[KpiMeasurementNode]:
    c = t.measurement.c
    stmt = t.MEASUREMENTS.where(sa.tuple_(c.kpi_id, c.measured_on).in_(list(keys))).order_by(
        c.kpi_id, c.measured_on
    )
    return [KpiMeasurementNode.from_row(row) for row in await info.context.rows(stmt)]


@strawberry.type(description="Write to the portfolio, with the same services and rules as REST.")
class Mutation(DecisionMutation, IrritantMutation, TriageMutation):
    @strawberry.mutation(description="Record a check-in on an initiative that is still open.")
    async def record_progress_update(
        self,
        info: strawberry.Info,
        input: Annotated[
            RecordProgressUpdateInput, strawberry.argument(description="The check-in.")
        ],
    ) -> ProgressUpdateNode:
        values = _values(set_fields(input))
        initiative_id = values.pop("initiative_id")
        data = _payload(CheckInCreate, values)
        checkin = await info.context.call(checkins.create_checkin, initiative_id, data)
        (node,) = await info.context.loaders.progress_update.prime([checkin.id])
        return node  # type: ignore[no-any-return]

    @strawberry.mutation(
        description="Record KPI values in bulk; recording a KPI's date again updates it."
    )
    async def record_kpi_measurements(
        self,
        info: strawberry.Info,
        measurements: Annotated[
            list[KpiMeasurementInput],
            strawberry.argument(description=f"Up to {MAX_BULK} values, one per KPI and date."),
        ],
    ) -> RecordKpiMeasurementsPayload:
        if len(measurements) > MAX_BULK:
            raise ValidationFailed(
                _("At most %(max)s measurements per request (got %(n)s).")
                % {"max": MAX_BULK, "n": len(measurements)},
                code="too_many_items",
                field="measurements",
            )
        items = [
            _values(set_fields(item), f"measurements.{index}.")
            for index, item in enumerate(measurements)
        ]
        totals = {"created": 0, "updated": 0, "unchanged": 0}
        for kpi_id, group in many(items, lambda item: item["kpi_id"]).items():
            payloads = [_payload(MeasurementCreate, _without(item, "kpi_id")) for item in group]
            record = kpi_measurements.record_measurements
            result = await info.context.call(record, kpi_id, payloads)
            for name in totals:
                totals[name] += getattr(result, name)
        keys = [(item["kpi_id"], item["measured_on"]) for item in items]
        stored = await _stored_measurements(info, keys) if keys else []
        return RecordKpiMeasurementsPayload(**totals, measurements=stored)

    @strawberry.mutation(description="Create an initiative, `proposed` unless `approved`.")
    async def create_initiative(
        self,
        info: strawberry.Info,
        input: Annotated[CreateInitiativeInput, strawberry.argument(description="The initiative.")],
    ) -> InitiativeNode:
        values = _values(set_fields(input))
        values["waivers"] = waiver_values(values.get("waivers") or [])
        data = _payload(InitiativeCreate, values)
        return InitiativeNode.from_row(await info.context.call(initiatives.create_initiative, data))

    @strawberry.mutation(description="Change the given fields of an initiative.")
    async def update_initiative(
        self,
        info: strawberry.Info,
        id: IdArg,
        expected_version: VersionArg,
        input: Annotated[
            UpdateInitiativeInput, strawberry.argument(description="The fields to change.")
        ],
    ) -> InitiativeNode:
        initiative_id = database_id(id, "Initiative", field="id")
        values = _values(set_fields(input))
        if "waivers" in values:
            values["waivers"] = waiver_values(values["waivers"])
        data = _payload(InitiativeUpdate, values)
        row = await info.context.call(
            initiatives.update_initiative, initiative_id, data, expected_version=expected_version
        )
        return InitiativeNode.from_row(row)

    @strawberry.mutation(
        description="Move an initiative along its lifecycle (stopping needs lessons learned)."
    )
    async def transition_initiative(
        self,
        info: strawberry.Info,
        id: IdArg,
        expected_version: VersionArg,
        status: Annotated[InitiativeStatus, strawberry.argument(description="The new status.")],
        lessons_learned: Annotated[
            str | None, strawberry.argument(description="What was learned (to stop).")
        ] = None,
        waivers: Annotated[
            list[WaiverInput] | None,
            strawberry.argument(description="Approving (CDO office): a reason per waived check."),
        ] = None,
    ) -> InitiativeNode:
        initiative_id = database_id(id, "Initiative", field="id")
        values: dict[str, Any] = {"status": status.value}
        if lessons_learned is not None:
            values["lessons_learned"] = lessons_learned
        if waivers is not None:
            values["waivers"] = waiver_values(waivers)
        data = _payload(InitiativeUpdate, values)
        row = await info.context.call(
            initiatives.update_initiative, initiative_id, data, expected_version=expected_version
        )
        return InitiativeNode.from_row(row)

    @strawberry.mutation(description="Link an initiative to a KPI, or change the link.")
    async def link_initiative_kpi(
        self,
        info: strawberry.Info,
        initiative_id: IdArg,
        kpi_id: IdArg,
        weight: Annotated[
            Decimal, strawberry.argument(description="Contribution 0..1 (default 1).")
        ] = Decimal("1"),
        rationale: Annotated[
            str, strawberry.argument(description="Why the initiative moves the KPI.")
        ] = "",
    ) -> LinkInitiativeKpiPayload:
        initiative = database_id(initiative_id, "Initiative", field="initiativeId")
        kpi = database_id(kpi_id, "Kpi", field="kpiId")
        data = _payload(KpiLinkPut, {"weight": weight, "rationale": rationale})
        row, created = await info.context.call(links.put_kpi_link, initiative, kpi, data)
        return LinkInitiativeKpiPayload(link=InitiativeKpiNode.from_row(row), created=created)
