"""REST handlers for KPIs, their measurements and their drivers."""

from datetime import date, datetime

from fastapi import APIRouter, Query, Response, status

from schema.enums import Perspective
from service.deps import ActorDep, IfMatchDep, PageDep, SessionDep, set_etag
from service.fields.rest import PageWriter, json_response
from service.idempotency import IdempotencyDep
from service.kpis import drivers as kpi_drivers
from service.kpis import measurements, service
from service.kpis.payloads import (
    BulkResult,
    DriverCreate,
    KpiCreate,
    KpiDriverPublic,
    KpiDrivers,
    KpiPublic,
    KpiRef,
    KpiUpdate,
    LatestMeasurement,
    MeasurementBulk,
    MeasurementCreate,
    MeasurementPublic,
    counts_as_shared,
)
from service.listing.kpis import KpiFilters, MeasurementFilters
from service.pagination import Page, page_of

router = APIRouter(prefix="/kpis", tags=["kpis"])


def _public(view: service.KpiView) -> KpiPublic:
    return KpiPublic.of(view.kpi, view.department_ids, view.latest)


# Lists are written from the rows (see `service.kpis.service.list_kpi_rows`).
LATEST = PageWriter(LatestMeasurement)
KPI = PageWriter(
    KpiPublic,
    department_ids=lambda row: row["department_ids"] or [],
    is_shared=lambda row: counts_as_shared(row["department_ids"] or ()),
    latest_measurement=lambda row: None if row["measured_on"] is None else LATEST.fields(row),
)
MEASUREMENT = PageWriter(MeasurementPublic)


@router.get("", summary="List KPIs", response_model=Page[KpiPublic])
async def list_kpis(
    session: SessionDep,
    page: PageDep,
    perspective: Perspective | None = Query(None),
    department_id: int | None = Query(None, description="An accountable department."),
    shared: bool | None = Query(None, description="Two or more accountable departments."),
    q: str | None = Query(
        None, max_length=200, pattern=r"^[^\x00]*$", description="Part of the code or name."
    ),
    updated_since: datetime | None = Query(None),
) -> Response:
    """KPIs in id order, filtered and keyset-paginated."""
    filters = KpiFilters(
        perspective=perspective,
        department_id=department_id,
        shared=shared,
        q=q,
        updated_since=updated_since,
    )
    rows = await service.list_kpi_rows(session, filters, limit=page.limit, cursor=page.cursor)
    return json_response(KPI.page(*page_of(rows, page.limit)))


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a KPI")
async def create_kpi(session: SessionDep, actor: ActorDep, data: KpiCreate) -> KpiPublic:
    """Create a KPI with a unique code and its accountable departments (owner first)."""
    return _public(await service.create_kpi(session, actor, data))


@router.get("/{kpi_id}", summary="Get a KPI")
async def get_kpi(session: SessionDep, response: Response, kpi_id: int) -> KpiPublic:
    """One KPI by id, with its departments, latest measurement and ETag."""
    kpi = _public(await service.get_kpi_view(session, kpi_id))
    set_etag(response, kpi.version)
    return kpi


@router.patch("/{kpi_id}", summary="Update a KPI")
async def update_kpi(
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    kpi_id: int,
    data: KpiUpdate,
    expected_version: IfMatchDep,
) -> KpiPublic:
    """Change the given fields of a KPI (If-Match); `department_ids` replaces the whole list."""
    view = await service.update_kpi(session, actor, kpi_id, data, expected_version=expected_version)
    kpi = _public(view)
    set_etag(response, kpi.version)
    return kpi


@router.delete("/{kpi_id}", status_code=204, summary="Delete a KPI")
async def delete_kpi(
    session: SessionDep, actor: ActorDep, kpi_id: int, expected_version: IfMatchDep
) -> Response:
    """Delete a KPI no initiative is linked to (If-Match)."""
    await service.delete_kpi(session, actor, kpi_id, expected_version=expected_version)
    return Response(status_code=204)


@router.get(
    "/{kpi_id}/measurements",
    summary="List a KPI's measurements",
    response_model=Page[MeasurementPublic],
)
async def list_measurements(
    session: SessionDep,
    page: PageDep,
    kpi_id: int,
    measured_from: date | None = Query(None, alias="from", description="First date included."),
    measured_to: date | None = Query(None, alias="to", description="Last date included."),
    updated_since: datetime | None = Query(None),
) -> Response:
    """Measurements of a KPI in id order, keyset-paginated."""
    filters = MeasurementFilters([kpi_id], measured_from, measured_to, updated_since)
    rows = await measurements.list_measurement_rows(
        session, filters, limit=page.limit, cursor=page.cursor
    )
    return json_response(MEASUREMENT.page(*page_of(rows, page.limit)))


@router.post(
    "/{kpi_id}/measurements",
    status_code=status.HTTP_201_CREATED,
    summary="Record a measurement",
    responses={200: {"description": "The date already had a measurement: it was updated."}},
)
async def record_measurement(
    session: SessionDep,
    actor: ActorDep,
    kpi_id: int,
    data: MeasurementCreate,
    response: Response,
    idempotency: IdempotencyDep,
) -> MeasurementPublic:
    """Record a KPI value on a date: 201 when new, 200 when that date is recorded again."""

    async def record() -> MeasurementPublic:
        row, created = await measurements.record_measurement(session, actor, kpi_id, data)
        response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return MeasurementPublic.model_validate(row)

    return await idempotency.run(session, actor, record, response=response)


@router.post("/{kpi_id}/measurements/bulk", summary="Record many measurements")
async def record_measurements(
    session: SessionDep,
    actor: ActorDep,
    kpi_id: int,
    data: MeasurementBulk,
    idempotency: IdempotencyDep,
) -> BulkResult:
    """Record up to 10,000 dates at once; all are validated before any is written."""

    async def record() -> BulkResult:
        return await measurements.record_measurements(session, actor, kpi_id, data.items)

    return await idempotency.run(session, actor, record, status_code=status.HTTP_200_OK)


@router.get("/{kpi_id}/drivers", summary="List a KPI's drivers")
async def list_drivers(session: SessionDep, kpi_id: int) -> KpiDrivers:
    """The KPIs that drive this one, and those it drives."""
    drivers, driven = await kpi_drivers.list_drivers(session, kpi_id)
    return KpiDrivers(
        drivers=[KpiRef.model_validate(k) for k in drivers],
        driven=[KpiRef.model_validate(k) for k in driven],
    )


@router.post("/{kpi_id}/drivers", status_code=status.HTTP_201_CREATED, summary="Add a driver")
async def add_driver(
    session: SessionDep, actor: ActorDep, kpi_id: int, data: DriverCreate
) -> KpiDriverPublic:
    """Record that another KPI drives this one."""
    return KpiDriverPublic.model_validate(
        await kpi_drivers.add_driver(session, actor, kpi_id, data)
    )


@router.delete("/{kpi_id}/drivers/{driver_kpi_id}", status_code=204, summary="Remove a driver")
async def remove_driver(
    session: SessionDep, actor: ActorDep, kpi_id: int, driver_kpi_id: int
) -> Response:
    """Remove the link saying `driver_kpi_id` drives this KPI."""
    await kpi_drivers.remove_driver(session, actor, kpi_id, driver_kpi_id)
    return Response(status_code=204)
