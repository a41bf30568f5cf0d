"""The initiative list written from rows is byte for byte what the per-row models wrote."""

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
from service.deps import current_actor
from service.initiatives import service
from service.initiatives.payloads import InitiativeFilter, InitiativePublic
from service.pagination import Page, encode_cursor, page_of
from tests.factories import make_department, make_initiative, make_person, make_update

API = "/api/v1/initiatives"
PAGE = TypeAdapter(Page[InitiativePublic])
# Text a JSON writer may escape differently: quotes, backslashes, controls, non-ASCII.
ODD_TEXT = ['Say "hi" \\ back', "Ligne 1\nLigne 2\tfin\x01\x1f", "Équipe → 🚀 \u2028 </script>"]
INSTANTS = [
    datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    datetime(2026, 3, 4, 5, 6, 7, 120000, tzinfo=UTC),
    datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=UTC),
]


@pytest.fixture(autouse=True)
def signed_in(app: Any) -> None:
    """Requests act as the CDO office."""
    app.dependency_overrides[current_actor] = lambda: SYSTEM


@pytest.fixture
async def portfolio(session: AsyncSession) -> dict[str, list[Any]]:
    """Nine initiatives over every kind of value the list writes."""
    departments = [(await make_department(session)).id for _ in range(2)]
    people = [(await make_person(session, department_id=departments[0])).id for _ in range(3)]
    shapes: list[dict[str, Any]] = [
        {"orientation": "hybrid", "client_share": Decimal("0.3500"), "status": "proposed"},
        {"orientation": "client_facing", "client_share": Decimal("1"), "sponsor_id": people[1]},
        {"budget_planned": Decimal("0"), "start_date": None, "is_experiment": True},
        {"budget_planned": Decimal("123456789012.34"), "target_date": date(2027, 12, 31)},
        {"description": ODD_TEXT[0], "title": ODD_TEXT[2], "origin": "technology"},
        {"user_need": ODD_TEXT[1], "hypothesis": ODD_TEXT[2], "status": "on_hold"},
        {"lessons_learned": "Too early.", "status": "stopped", "sponsor_id": people[2]},
        {"status": "done", "orientation": "hybrid", "client_share": Decimal("0.5000")},
        {"target_users": ODD_TEXT[0], "is_experiment": True},
    ]
    ids = []
    for n, shape in enumerate(shapes):
        initiative = await make_initiative(
            session,
            department_id=departments[n % 2],
            owner_id=people[n % 3],
            created_at=INSTANTS[n % 3],
            updated_at=INSTANTS[(n + 1) % 3],
            **shape,
        )
        if n % 3:
            spent = [Decimal("0"), Decimal("10.50"), Decimal("99999.99")][n % 3]
            health = ["green", "amber", "red"][n % 3]
            await make_update(session, initiative, spent_to_date=spent, health=health)
        ids.append(initiative.id)
    return {"departments": departments, "people": people, "initiatives": ids}


def _filters(data: Any, portfolio: dict[str, list[int]]) -> dict[str, Any]:
    maybe = lambda values: data.draw(st.none() | st.sampled_from(values))  # noqa: E731
    statuses = ["proposed", "in_progress", "on_hold", "done", "stopped"]
    drawn = {
        "department_id": maybe(portfolio["departments"]),
        "status": data.draw(st.none() | st.lists(st.sampled_from(statuses), max_size=3)),
        "orientation": maybe(["internal", "hybrid", "client_facing"]),
        "origin": maybe(["user_need", "technology"]),
        "owner_id": maybe(portfolio["people"]),
        "sponsor_id": maybe(portfolio["people"]),
        "is_experiment": maybe([True, False]),
        "q": maybe(["INI", "Équipe", '"hi"', "nothing-matches"]),
        "updated_since": maybe([i.isoformat() for i in INSTANTS]),
    }
    return {name: value for name, value in drawn.items() if value not in (None, [])}


async def _expected(
    session: AsyncSession, params: dict[str, Any], limit: int, cursor: str | None
) -> bytes:
    """What the list answered when it built one InitiativePublic per row."""
    filters = InitiativeFilter.model_validate(params)
    rows = await service.list_initiatives(session, filters, limit=limit, cursor=cursor)
    items, next_cursor = page_of(rows, limit)
    page = Page[InitiativePublic](
        items=[InitiativePublic.model_validate(r) for r in items], next_cursor=next_cursor
    )
    return PAGE.dump_json(page)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_pages_match_the_per_row_models(
    data: Any, client: httpx.AsyncClient, session: AsyncSession, portfolio: dict[str, list[int]]
) -> None:
    params = _filters(data, portfolio)
    limit = data.draw(st.integers(1, 4), label="limit")
    cursor: str | None = None
    for _ in range(10):
        query = params | {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = await client.get(API, params=query)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.content == await _expected(session, params, limit, cursor)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break


async def test_a_page_writes_every_kind_of_value(
    client: httpx.AsyncClient, session: AsyncSession, portfolio: dict[str, list[int]]
) -> None:
    first = portfolio["initiatives"][1]
    response = await client.get(API, params={"limit": 1, "cursor": encode_cursor(first - 1)})
    item = response.json()["items"][0]
    assert (item["id"], item["client_share"], item["budget_planned"]) == (first, "1.0000", "100.00")
    assert (item["created_at"], item["updated_at"]) == (
        "2026-03-04T05:06:07.120000Z",
        "2026-06-30T23:59:59.999999Z",
    )
    assert (item["health"], item["percent_complete"], item["spent_to_date"]) == (
        "amber",
        50,
        "10.50",
    )
    assert (item["last_update_on"], item["start_date"], item["target_date"]) == (
        "2026-11-01",
        "2026-01-01",
        None,
    )
