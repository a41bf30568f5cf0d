"""Every list written from rows is byte for byte what its per-row models wrote.

The expected answers are built the way the handlers built them before: the ORM rows of the
same service, one response model per row, serialised by the response model's adapter.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import SYSTEM
from service.departments import service as departments
from service.departments.payloads import DepartmentPublic
from service.deps import current_actor
from service.initiatives import checkins
from service.initiatives.payloads import CheckInPublic
from service.kpis import measurements
from service.kpis import service as kpis
from service.kpis.payloads import KpiPublic, MeasurementPublic
from service.org import service as org
from service.org.payloads import PersonFilters, PersonPublic
from service.pagination import Page, page_of
from tests.factories import (
    make_department,
    make_initiative,
    make_kpi,
    make_measurement,
    make_person,
    make_update,
)

# Text a JSON writer may escape differently: quotes, backslashes, controls, non-ASCII.
ODD_TEXT = ['Say "hi" \\ back', "Ligne 1\nLigne 2\tfin\x01\x1f", "Équipe → 🚀 \u2028 </script>"]
INSTANTS = [
    datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    datetime(2026, 3, 4, 5, 6, 7, 120000, tzinfo=UTC),
    datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=UTC),
]
SINCE = [None, *(i.isoformat() for i in INSTANTS)]
Portfolio = dict[str, list[Any]]


@pytest.fixture(autouse=True)
def signed_in(app: Any) -> None:
    """Requests act as the CDO office."""
    app.dependency_overrides[current_actor] = lambda: SYSTEM


@pytest.fixture
async def portfolio(session: AsyncSession) -> Portfolio:
    """Departments, people, KPIs, measurements and check-ins over every kind of value."""
    stamps = lambda n: {"created_at": INSTANTS[n % 3], "updated_at": INSTANTS[(n + 1) % 3]}  # noqa: E731
    names = ["Finance", *ODD_TEXT]
    departments_ = [
        (await make_department(session, name=n, **stamps(i))).id for i, n in enumerate(names)
    ]
    people: list[Any] = []
    for n, name in enumerate(["Ann", *ODD_TEXT, "Bob", "Zoé"]):
        manager = people[(n - 1) // 3] if n else None
        person = await make_person(
            session,
            name=name,
            title=ODD_TEXT[n % 3] if n % 2 else "",
            department_id=departments_[n % 3] if n % 4 else None,
            manager_id=manager,
            is_active=n % 3 != 2,
            **stamps(n),
        )
        people.append(person.id)
    await _heads(session, departments_, people)
    kpis_ = [await _kpi(session, n, departments_, stamps(n)) for n in range(6)]
    initiative = await make_initiative(session, department_id=departments_[0], owner_id=people[0])
    for n, health in enumerate(["green", "amber", "red", "amber", "green"]):
        await make_update(
            session,
            initiative,
            reported_on=date(2026, 10, 1 + n // 2),
            health=health,
            confidence=None if n % 2 else n,
            spent_to_date=[Decimal("0"), Decimal("10.50"), Decimal("99999.99")][n % 3],
            summary=f"{ODD_TEXT[n % 3]} ({n})",
            blockers=ODD_TEXT[(n + 1) % 3],
            **stamps(n),
        )
    return {
        "departments": departments_,
        "people": people,
        "kpis": kpis_,
        "initiatives": [initiative.id],
    }


async def _heads(session: AsyncSession, departments_: list[Any], people: list[Any]) -> None:
    head = await departments.get_department(session, departments_[1])
    head.head_id = people[2]
    await session.flush()


async def _kpi(
    session: AsyncSession, n: int, departments_: list[Any], stamps: dict[str, Any]
) -> Any:
    accountable = [[], departments_[:1], departments_[1::-1], departments_[:3]][n % 4]
    kpi = await make_kpi(
        session,
        department_ids=accountable,
        definition=ODD_TEXT[n % 3],
        perspective=["operations", "customer", "financial"][n % 3],
        baseline_value=[None, Decimal("0"), Decimal("-12.5"), Decimal("99999999999999.9999")][
            n % 4
        ],
        baseline_date=date(2026, 1, 1) if n % 2 else None,
        target_value=Decimal("0.0001") if n % 2 else None,
        **stamps,
    )
    for day, value in enumerate(["0", "-1.2345", "12", "99999999999999.9999"][: n % 5]):
        await make_measurement(session, kpi, date(2026, 2, 1 + day), value)
    return kpi.id


def _page(shape: Any, models: list[Any], next_cursor: str | None) -> bytes:
    page = Page[shape](items=models, next_cursor=next_cursor)  # type: ignore[valid-type]
    return TypeAdapter(Page[shape]).dump_json(page)  # type: ignore[valid-type]


def _kpi_public(view: kpis.KpiView) -> KpiPublic:
    return KpiPublic.of(view.kpi, view.department_ids, view.latest)


Expected = Callable[[AsyncSession, dict[str, Any], int, str | None], Awaitable[bytes]]


@dataclass(frozen=True)
class Listing:
    """A list: its path, the filters a request may give, and what the models wrote."""

    path: Callable[[Portfolio], str]
    filters: Callable[[Any, Portfolio], dict[str, Any]]
    expected: Callable[[Portfolio], Expected]


def _draw(data: Any, **choices: list[Any]) -> dict[str, Any]:
    drawn = {name: data.draw(st.sampled_from([None, *values])) for name, values in choices.items()}
    return {name: value for name, value in drawn.items() if value is not None}


def _since(params: dict[str, Any]) -> datetime | None:
    given = params.get("updated_since")
    return None if given is None else datetime.fromisoformat(given)


def _day(given: str | None) -> date | None:
    return None if given is None else date.fromisoformat(given)


def _departments(p: Portfolio) -> Expected:
    async def expected(s: AsyncSession, params: dict[str, Any], limit: int, cursor: Any) -> bytes:
        rows = await departments.list_departments(
            s, limit=limit, cursor=cursor, updated_since=_since(params)
        )
        items, next_cursor = page_of(rows, limit)
        models = [DepartmentPublic.model_validate(r) for r in items]
        return _page(DepartmentPublic, models, next_cursor)

    return expected


def _people(p: Portfolio) -> Expected:
    async def expected(s: AsyncSession, params: dict[str, Any], limit: int, cursor: Any) -> bytes:
        filters = PersonFilters.model_validate(params)
        rows = await org.list_people(s, filters=filters, limit=limit, cursor=cursor)
        items, next_cursor = page_of(rows, limit)
        return _page(PersonPublic, [PersonPublic.model_validate(r) for r in items], next_cursor)

    return expected


def _reports(p: Portfolio) -> Expected:
    async def expected(s: AsyncSession, params: dict[str, Any], limit: int, cursor: Any) -> bytes:
        rows = await org.list_reports(
            s, p["people"][0], limit=limit, cursor=cursor, updated_since=_since(params)
        )
        items, next_cursor = page_of(rows, limit)
        return _page(PersonPublic, [PersonPublic.model_validate(r) for r in items], next_cursor)

    return expected


def _kpis(p: Portfolio) -> Expected:
    async def expected(s: AsyncSession, params: dict[str, Any], limit: int, cursor: Any) -> bytes:
        views = await kpis.list_kpis(
            s, limit=limit, cursor=cursor, **(params | {"updated_since": _since(params)})
        )
        items, next_cursor = page_of(views, limit)
        return _page(KpiPublic, [_kpi_public(v) for v in items], next_cursor)

    return expected


def _measurements(p: Portfolio) -> Expected:
    async def expected(s: AsyncSession, params: dict[str, Any], limit: int, cursor: Any) -> bytes:
        rows = await measurements.list_measurements(
            s,
            p["kpis"][4],
            limit=limit,
            cursor=cursor,
            measured_from=_day(params.get("from")),
            measured_to=_day(params.get("to")),
            updated_since=_since(params),
        )
        items, next_cursor = page_of(rows, limit)
        models = [MeasurementPublic.model_validate(r) for r in items]
        return _page(MeasurementPublic, models, next_cursor)

    return expected


def _checkins(p: Portfolio) -> Expected:
    async def expected(s: AsyncSession, params: dict[str, Any], limit: int, cursor: Any) -> bytes:
        rows = await checkins.list_checkins(
            s, p["initiatives"][0], limit=limit, cursor=cursor, updated_since=_since(params)
        )
        items, next_cursor = page_of(rows, limit)
        return _page(CheckInPublic, [CheckInPublic.model_validate(r) for r in items], next_cursor)

    return expected


LISTINGS = {
    "departments": Listing(
        lambda p: "/api/v1/departments",
        lambda data, p: _draw(data, updated_since=SINCE[1:]),
        _departments,
    ),
    "people": Listing(
        lambda p: "/api/v1/people",
        lambda data, p: _draw(
            data,
            department_id=p["departments"],
            manager_id=p["people"][:3],
            is_active=[True, False],
            q=["o", "É", '"hi"', "nothing-matches"],
            updated_since=SINCE[1:],
        ),
        _people,
    ),
    "reports": Listing(
        lambda p: f"/api/v1/people/{p['people'][0]}/reports",
        lambda data, p: _draw(data, updated_since=SINCE[1:]),
        _reports,
    ),
    "kpis": Listing(
        lambda p: "/api/v1/kpis",
        lambda data, p: _draw(
            data,
            perspective=["operations", "customer"],
            department_id=p["departments"][:2],
            shared=[True, False],
            q=["KPI", "nothing-matches"],
            updated_since=SINCE[1:],
        ),
        _kpis,
    ),
    "measurements": Listing(
        lambda p: f"/api/v1/kpis/{p['kpis'][4]}/measurements",
        lambda data, p: _draw(
            data,
            **{"from": ["2026-02-02"], "to": ["2026-02-02", "2026-02-03"]},
            updated_since=SINCE[1:],
        ),
        _measurements,
    ),
    "check-ins": Listing(
        lambda p: f"/api/v1/initiatives/{p['initiatives'][0]}/updates",
        lambda data, p: _draw(data, updated_since=SINCE[1:]),
        _checkins,
    ),
}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_lists_match_the_per_row_models(
    data: Any, client: httpx.AsyncClient, session: AsyncSession, portfolio: Portfolio
) -> None:
    listing = LISTINGS[data.draw(st.sampled_from(sorted(LISTINGS)), label="list")]
    params = listing.filters(data, portfolio)
    limit = data.draw(st.integers(1, 4), label="limit")
    expected = listing.expected(portfolio)
    cursor: str | None = None
    for _ in range(10):
        query = params | {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = await client.get(listing.path(portfolio), params=query)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        session.expire_all()  # the models are built from what the database holds
        assert response.content == await expected(session, params, limit, cursor)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break


async def test_values_are_written_as_the_models_write_them(
    client: httpx.AsyncClient, portfolio: Portfolio
) -> None:
    listed = (await client.get("/api/v1/kpis", params={"limit": 1000})).json()["items"]
    by_id = {kpi["id"]: kpi for kpi in listed}
    shared, lone = by_id[portfolio["kpis"][3]], by_id[portfolio["kpis"][0]]
    assert (shared["baseline_value"], shared["target_value"]) == ("99999999999999.9999", "0.0001")
    assert (shared["department_ids"], shared["is_shared"]) == (portfolio["departments"][:3], True)
    assert shared["latest_measurement"] == {"measured_on": "2026-02-03", "value": "12.0000"}
    assert (lone["department_ids"], lone["is_shared"], lone["latest_measurement"]) == (
        [],
        False,
        None,
    )
