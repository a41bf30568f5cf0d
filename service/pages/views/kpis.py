"""The KPI registry, a KPI's page, and recording a measurement."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from schema import AuditEvent, Department, Kpi, KpiMeasurement
from schema.enums import Perspective
from service.actor import Actor
from service.audit import service as audit_service
from service.auth import policy
from service.auth.policy import Permission
from service.errors import DomainError
from service.initiatives import browse
from service.kpis import drivers as kpi_drivers
from service.kpis import measurements
from service.kpis import service as kpis
from service.kpis.payloads import MeasurementCreate
from service.kpis.service import KpiView
from service.pages import charts
from service.pages.forms import FormState, clean, parse, refuse
from service.pages.views import options
from service.pagination import encode_cursor

PER_PAGE = 50
MEASUREMENTS = 2000
HISTORY = 100


@dataclass(frozen=True)
class KpiFilters:
    perspective: str | None = None
    department: int | None = None
    shared: bool | None = None
    q: str = ""
    cursor: str | None = None

    @classmethod
    def of(cls, query: Mapping[str, Any]) -> "KpiFilters":
        """Read leniently from the query string: unknown values are ignored."""
        perspective = query.get("perspective")
        department = query.get("department") or ""
        shared = {"yes": True, "no": False}.get(query.get("shared") or "")
        return cls(
            perspective=perspective if perspective in Perspective.__members__ else None,
            department=int(department) if department.isdigit() else None,
            shared=shared,
            q=(query.get("q") or "").strip()[:200],
            cursor=query.get("cursor") or None,
        )

    def url(self, cursor: str | None) -> str:
        """This list's address at another page."""
        shared = None if self.shared is None else ("yes" if self.shared else "no")
        pairs = {
            "perspective": self.perspective,
            "department": self.department,
            "shared": shared,
            "q": self.q,
            "cursor": cursor,
        }
        return "/kpis?" + urlencode({k: v for k, v in pairs.items() if v not in (None, "")})


@dataclass(frozen=True)
class KpiRegistry:
    filters: KpiFilters
    items: list[KpiView]
    next_cursor: str | None
    departments: dict[int, Department]
    department_list: list[Department]


async def registry(session: AsyncSession, filters: KpiFilters) -> KpiRegistry:
    """One page of KPIs with their accountable departments and latest value."""
    rows = await kpis.list_kpis(
        session,
        limit=PER_PAGE,
        cursor=filters.cursor,
        perspective=Perspective(filters.perspective) if filters.perspective else None,
        department_id=filters.department,
        shared=filters.shared,
        q=filters.q or None,
    )
    items = rows[:PER_PAGE]
    more = len(rows) > PER_PAGE and items
    departments = await options.departments(session)
    return KpiRegistry(
        filters=filters,
        items=items,
        next_cursor=encode_cursor(items[-1].id) if more else None,
        departments={d.id: d for d in departments if d.id is not None},
        department_list=departments,
    )


@dataclass(frozen=True)
class KpiPage:
    view: KpiView
    measurements: list[KpiMeasurement]
    chart: charts.Chart | None
    drivers: list[Kpi]
    driven: list[Kpi]
    initiatives: list[sa.Row[Any]]
    departments: dict[int, Department]
    history: list[AuditEvent]
    form: FormState


async def kpi_page(session: AsyncSession, kpi_id: int, form: FormState | None = None) -> KpiPage:
    """Everything a KPI's page shows, with the measurement form (404 for an unknown KPI)."""
    view = await kpis.get_kpi_view(session, kpi_id)
    rows = list(await measurements.list_measurements(session, kpi_id, limit=MEASUREMENTS))
    rows.sort(key=lambda m: m.measured_on, reverse=True)
    drivers, driven = await kpi_drivers.list_drivers(session, kpi_id)
    departments = await options.departments(session)
    history = await audit_service.history(session, "kpi", kpi_id, limit=HISTORY, cursor=None)
    return KpiPage(
        view=view,
        measurements=rows,
        chart=charts.kpi_measurements(view.kpi, rows) if rows else None,
        drivers=drivers,
        driven=driven,
        initiatives=await browse.initiatives_for_kpi(session, kpi_id),
        departments={d.id: d for d in departments if d.id is not None},
        history=list(reversed(history)),
        form=form or FormState(values={"measured_on": date.today().isoformat()}),
    )


def may_record(actor: Actor, view: KpiView) -> bool:
    """Whether the actor may record measurements of this KPI."""
    return policy.allowed(actor, Permission.record_measurement, department_ids=view.department_ids)


async def record(
    session: AsyncSession, actor: Actor, kpi_id: int, form: dict[str, str], state: FormState
) -> bool:
    """Record the measurement the form describes; False with the errors in `state`."""
    view = await kpis.get_kpi_view(session, kpi_id)
    policy.require(actor, Permission.record_measurement, department_ids=view.department_ids)
    state.values = dict(form)
    fields = ("measured_on", "value", "source")
    values = clean({k: v for k, v in form.items() if k in fields})
    data = parse(MeasurementCreate, values | {"recorded_by_id": actor.person_id}, state)
    if data is None:
        return False
    try:
        await measurements.record_measurement(session, actor, kpi_id, data)
    except DomainError as exc:
        await session.rollback()
        refuse(state, exc, set(fields))
        return False
    return True
