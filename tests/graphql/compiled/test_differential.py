"""The compiled path and the resolver path give the same JSON, errors included."""

import os
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from tests.graphql.compiled.documents import documents
from tests.graphql.compiled.helpers import posted, resolved
from tests.graphql.compiled.portfolio import Portfolio, build_portfolio

# GRAPHQL_DIFFERENTIAL_EXAMPLES=5000 for the long run; CI runs the default.
EXAMPLES = int(os.environ.get("GRAPHQL_DIFFERENTIAL_EXAMPLES", "150"))


@pytest.fixture
async def portfolio(session: AsyncSession) -> Portfolio:
    return await build_portfolio(session)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_generated_documents_answer_the_same(
    data: Any, client: httpx.AsyncClient, session: AsyncSession, portfolio: Portfolio
) -> None:
    case = data.draw(documents(portfolio), label="document")
    compiled = await posted(client, case.query, case.variables)
    assert compiled == await resolved(session, case.query, case.variables)
