"""Compiled lookups and nested pages: node(s), lookups by id or key, check-ins,
measurements and reporting lines answer in one statement, with the resolvers' JSON."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import Actor, Role
from service.graphql.ids import encode_id
from tests.conftest import QueryCounter
from tests.graphql.compiled.helpers import compiled_once, posted, resolved
from tests.graphql.compiled.portfolio import Portfolio, build_portfolio
from tests.graphql.conftest import SignIn


async def test_measurements_in_a_date_range_either_way_and_contributing_initiatives(
    client: httpx.AsyncClient, session: AsyncSession, queries: QueryCounter
) -> None:
    await build_portfolio(session)
    query = """{ kpi(code: "Kc1") {
      late: measurements(from: "2026-02-01", order: DESC) { totalCount nodes { measuredOn value } }
      early: measurements(to: "2026-01-31") { totalCount edges { node { kpiCode value } } }
      latestMeasurement { value }
      initiatives(first: 1) { totalCount nodes { weight initiative { code } } }
    } }"""
    body = await compiled_once(client, session, queries, query)
    assert body["data"]["kpi"] == {
        "late": {
            "totalCount": 2,
            "nodes": [
                {"measuredOn": "2026-03-01", "value": "13.0000"},
                {"measuredOn": "2026-02-01", "value": "12.0000"},
            ],
        },
        "early": {"totalCount": 1, "edges": [{"node": {"kpiCode": "Kc1", "value": "11.0000"}}]},
        "latestMeasurement": {"value": "13.0000"},
        "initiatives": {
            "totalCount": 4,
            "nodes": [{"weight": "0.5000", "initiative": {"code": "Tc-00000"}}],
        },
    }


async def test_a_reporting_line_nearest_manager_first(
    client: httpx.AsyncClient, session: AsyncSession, queries: QueryCounter
) -> None:
    await build_portfolio(session)
    query = """{ staff: person(email: "staffc0@example.com") { name chain { name } }
      top: person(email: "bossc2@example.com") { chain { name } }
      people(first: 2) { nodes { name chain { name chain { name } } } } }"""
    body = await compiled_once(client, session, queries, query)
    assert body["data"]["staff"] == {
        "name": "Staff 0",
        "chain": [{"name": "Boss 0"}, {"name": "Boss 1"}, {"name": "Boss 2"}],
    }
    assert body["data"]["top"] == {"chain": []}
    assert body["data"]["people"]["nodes"][0] == {
        "name": "Boss 0",
        "chain": [
            {"name": "Boss 1", "chain": [{"name": "Boss 2"}]},
            {"name": "Boss 2", "chain": []},
        ],
    }


NODES = """query Nodes($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename id
    ... on Initiative { code department { code } }
    ... on Kpi { code }
    ... on ProgressUpdate { summary }
    ...P
  }
  one: node(id: "SW5pdGlhdGl2ZTo5OTk5OTk=") { id }
}
fragment P on Person { name }
"""


async def test_objects_by_global_id_in_the_order_asked(
    client: httpx.AsyncClient, session: AsyncSession, queries: QueryCounter
) -> None:
    portfolio = await build_portfolio(session)
    ids = [*portfolio.global_ids[:5], encode_id("Initiative", 999999), portfolio.global_ids[0]]
    body = await compiled_once(client, session, queries, NODES, {"ids": ids})
    initiative = {"__typename": "Initiative", "id": ids[0], "code": "Tc-00000"}
    assert body["data"] == {
        "nodes": [
            initiative | {"department": {"code": "dc0"}},
            {"__typename": "Kpi", "id": ids[1], "code": "Kc1"},
            {"__typename": "Person", "id": ids[2], "name": "Boss 0"},
            {"__typename": "Department", "id": ids[3]},
            {"__typename": "ProgressUpdate", "id": ids[4], "summary": "Week 1"},
            None,
            initiative | {"department": {"code": "dc0"}},
        ],
        "one": None,
    }


async def test_lookups_by_id_or_key_and_the_resolvers_errors(
    client: httpx.AsyncClient, session: AsyncSession, queries: QueryCounter
) -> None:
    portfolio = await build_portfolio(session)
    ini, kpi = portfolio.ids["initiative"], portfolio.ids["kpi"]
    compiled = {
        f'{{ initiative(id: "{ini[2]}") {{ code }} }}': {"initiative": {"code": "Tc-00002"}},
        f'{{ initiative(id: "{encode_id("Initiative", ini[3])}") {{ code }} }}': {
            "initiative": {"code": "Tc-00003"}
        },
        '{ initiative(code: "none-such") { code } }': {"initiative": None},
        '{ initiative(id: "999999") { code } }': {"initiative": None},
        f'{{ department(code: "dc1") {{ name }} kpi(id: "{kpi[0]}") {{ name }} }}': {
            "department": {"name": "Department 1"},
            "kpi": {"name": "KPI 0"},
        },
    }
    for query, data in compiled.items():
        assert (await compiled_once(client, session, queries, query))["data"] == data
    errors = {
        f'{{ initiative(id: "{encode_id("Kpi", kpi[0])}") {{ code }} }}': (
            f"'{encode_id('Kpi', kpi[0])}' is the id of a Kpi, not of a Initiative."
        ),
        '{ initiative(id: "1", code: "Tc-00001") { code } }': "Give either id or code.",
        "{ person { name } }": "Give either id or email.",
        '{ node(id: "bogus") { id } }': "'bogus' is not an id this API issued.",
        f'{{ node(id: "{encode_id("Nothing", 1)}") {{ id }} }}': "No object type 'Nothing'.",
    }
    for query, message in errors.items():
        body = await posted(client, query)
        assert body == await resolved(session, query)
        assert body["errors"][0]["message"] == message


async def test_a_bi_reader_reads_nodes_compiled_but_not_the_audit_trail(
    signed_in: SignIn, session: AsyncSession, queries: QueryCounter
) -> None:
    portfolio: Portfolio = await build_portfolio(session)
    account, run = await signed_in("bi_reader")
    reader = Actor(account_id=account.id, role=Role.bi_reader, label=account.email)
    initiative, audit = portfolio.global_ids[0], encode_id("AuditEvent", 1)
    query = "query N($id: ID!) { node(id: $id) { __typename ... on Initiative { code } } }"
    queries.reset()
    body = await run(query, {"id": initiative})
    assert [s for s in queries.statements if s.startswith("SELECT (")] != []
    assert body == {"data": {"node": {"__typename": "Initiative", "code": "Tc-00000"}}}
    body = await run(query, {"id": audit})
    assert body == await resolved(session, query, {"id": audit}, actor=reader)
    assert body["errors"][0]["message"] == (
        f"{account.email} (bi_reader) may not read the audit trail. This account reads only."
    )
