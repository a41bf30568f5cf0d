"""Random filter combinations through REST, GraphQL and the export: the same initiatives."""

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_department, make_initiative, make_person, make_update
from tests.listing.surfaces import export_codes, graphql_codes, rest_codes

STATUSES = ["proposed", "approved", "in_progress", "on_hold", "done"]
ORIENTATIONS = ["client_facing", "internal", "hybrid"]
ORIGINS = ["user_need", "regulation", "efficiency", "technology"]
TITLES = ["Grid sensors", "Payroll portal", "Grid billing", "Stock 100%", "Self_service"]
INSTANTS = [datetime(2026, month, 1, tzinfo=UTC) for month in (1, 3, 5, 7)]


@pytest.fixture
async def portfolio(session: AsyncSession) -> dict[str, list[int]]:
    """Twelve initiatives over two departments and three people, with check-ins."""
    departments = [await make_department(session) for _ in range(2)]
    people = [await make_person(session, department_id=departments[n % 2].id) for n in range(3)]
    for n in range(12):
        initiative = await make_initiative(
            session,
            code=f"INI-{n:04d}",
            title=TITLES[n % len(TITLES)],
            description="Feeds the grid team." if n % 5 == 1 else "",
            department_id=departments[n % 2].id,
            owner_id=people[n % 3].id,
            sponsor_id=None if n % 4 == 0 else people[(n + 1) % 3].id,
            status=STATUSES[n % len(STATUSES)],
            orientation=ORIENTATIONS[n % 3],
            client_share={"client_facing": 1, "internal": 0, "hybrid": 0.5}[ORIENTATIONS[n % 3]],
            origin=ORIGINS[n % len(ORIGINS)],
            is_experiment=n % 5 == 0,
            updated_at=INSTANTS[n % 4],
        )
        if n % 3:
            # Some check-ins are written later than the row changed, some back-dated.
            await make_update(
                session,
                initiative,
                reported_on=date(2026, 1 + n % 6, 1),
                created_at=INSTANTS[(n + n % 3) % 4],
            )
    return {
        "department_id": [d.id for d in departments],
        "person_id": [p.id for p in people],
    }


def _filters(ids: dict[str, list[int]]) -> st.SearchStrategy[dict[str, Any]]:
    optional = {
        "department_id": st.sampled_from(ids["department_id"]),
        "status": st.lists(st.sampled_from(STATUSES), min_size=1, max_size=3, unique=True),
        "orientation": st.sampled_from(ORIENTATIONS),
        "origin": st.sampled_from(ORIGINS),
        "owner_id": st.sampled_from(ids["person_id"]),
        "sponsor_id": st.sampled_from(ids["person_id"]),
        "is_experiment": st.booleans(),
        "q": st.sampled_from(["grid", "INI-000", "100%", "_", "pay", "x"]),
        "updated_since": st.sampled_from(INSTANTS).map(datetime.isoformat),
    }
    # At most three filters at once, so that most combinations still match something.
    names = st.lists(st.sampled_from(sorted(optional)), max_size=3, unique=True)
    return names.flatmap(lambda chosen: st.fixed_dictionaries({n: optional[n] for n in chosen}))


@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
async def test_rest_graphql_and_export_return_the_same_initiatives(
    client: httpx.AsyncClient, portfolio: dict[str, list[int]], data: st.DataObject
) -> None:
    filters = data.draw(_filters(portfolio), label="filters")
    rest = sorted(await rest_codes(client, limit=5, **filters))
    assert sorted(await graphql_codes(client, first=5, **filters)) == rest
    assert await export_codes(client, **filters) == rest
