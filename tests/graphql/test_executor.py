"""The fast executor answers exactly what graphql-core's own execution answers."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import SYSTEM
from service.graphql.context import Context
from service.graphql.errors import DomainErrors
from service.graphql.mutations import Mutation
from service.graphql.queries import Query
from service.graphql.schema import PortfolioSchema, schema
from tests.factories import link_initiatives, make_initiative, make_person
from tests.graphql.builders import build_company

REFERENCE = PortfolioSchema(query=Query, mutation=Mutation, extensions=[DomainErrors])

EVERYTHING = """
query($after: String) {
  initiatives(first: 40, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id databaseId code } }
    nodes {
      __typename id databaseId code title status orientation clientShare origin
      isExperiment startDate targetDate budgetPlanned createdAt version
      health percentComplete spentToDate
      latestUpdate { reportedOn summary health initiativeCode author { name } }
      department { code name head { name } kpis { code } }
      owner { name email isActive manager { name manager { name } } chain { name }
        reports { name } }
      sponsor { name }
      kpis { weight rationale kpi { code isShared perspective direction
        departments { code } drivers { code } driven { code }
        latestMeasurement { measuredOn value kpiCode recordedBy { name } } } }
      enables { code } enabledBy { code } dependsOn { code } dependedOnBy { code }
      updates(first: 2, order: DESC) { totalCount nodes { reportedOn percentComplete } }
      alias: owner { title }
      ... on Node { id }
    }
  }
}
"""


async def _run(target: Any, session: AsyncSession, variables: dict[str, Any]) -> Any:
    result = await target.execute(
        EVERYTHING, variable_values=variables, context_value=Context(session, SYSTEM)
    )
    return result.data, [error.message for error in result.errors or []]


async def test_fast_execution_matches_graphql_core(session: AsyncSession) -> None:
    company = await build_company(session, 60)
    boss = await make_person(session, name="Sponsor")
    first = await make_initiative(session, sponsor_id=boss.id)
    second = await make_initiative(session)
    await link_initiatives(session, first, second)
    await link_initiatives(session, second, first, kind="depends_on")
    assert company.initiative_ids
    for after in (None, "eyJhZnRlciI6MjB9"):
        fast = await _run(schema, session, {"after": after})
        reference = await _run(REFERENCE, session, {"after": after})
        assert fast == reference
        assert fast[1] == []
