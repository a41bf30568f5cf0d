"""Compiled reads over HTTP: one statement for the BI page, mixed documents, roles."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from graphql import parse
from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import Actor, Role
from service.graphql.compiled.plans import make_plan, operation_of
from service.graphql.compiled.run import bind, coerce
from service.graphql.compiled.sdl import core_schema
from service.graphql.schema import schema
from tests.conftest import QueryCounter
from tests.graphql.builders import build_company
from tests.graphql.compiled.helpers import compiled_once, posted, resolved
from tests.graphql.compiled.portfolio import build_portfolio
from tests.graphql.conftest import SignIn

AT = datetime(2026, 11, 2, 10, tzinfo=UTC)
SECOND = timedelta(seconds=1)

# bench/bench_graphql.py OURS, the page BI tools pull.
BI_PAGE = """
query BI($first: Int) {
  initiatives(first: $first) {
    nodes {
      code title status orientation budgetPlanned
      department { code name }
      owner { name manager { name } }
      kpis { weight kpi { code name latestMeasurement { measuredOn value } } }
    }
  }
}
"""


async def _one_statement(
    client: httpx.AsyncClient, session: AsyncSession, queries: QueryCounter, first: int
) -> dict[str, Any]:
    queries.reset()
    body = await posted(client, BI_PAGE, {"first": first})
    assert queries.count == 1, queries.statements
    assert body == await resolved(session, BI_PAGE, {"first": first})
    return body


async def test_the_bi_page_is_one_statement_at_10_and_1000_initiatives(
    client: httpx.AsyncClient, session: AsyncSession, queries: QueryCounter
) -> None:
    await build_company(session, 10, tag="s")
    small = await _one_statement(client, session, queries, 10)
    await build_company(session, 990, tag="l")
    large = await _one_statement(client, session, queries, 1000)
    assert [len(b["data"]["initiatives"]["nodes"]) for b in (small, large)] == [10, 1000]
    first = large["data"]["initiatives"]["nodes"][0]
    assert first["owner"] == {"name": "Staff 0", "manager": {"name": "Boss 0"}}
    assert first["budgetPlanned"] == "1000.00"
    assert first["kpis"][0] == {
        "weight": "0.5000",
        "kpi": {
            "code": "Ks0",
            "name": "KPI 0",
            "latestMeasurement": {"measuredOn": "2026-03-01", "value": "3.0000"},
        },
    }


MIXED = """
query Mixed {
  serverTime
  first: initiatives(first: 2) {
    nodes { code enables { code } }
    pageInfo { hasNextPage endCursor }
  }
  balance: portfolioBalance { totalWeight }
  __typename
}
"""


async def test_a_mixed_document_answers_each_root_field_in_the_documents_order(
    client: httpx.AsyncClient, session: AsyncSession, queries: QueryCounter
) -> None:
    await build_portfolio(session)
    queries.reset()
    body = await posted(client, MIXED)
    compiled = [s for s in queries.statements if s.startswith("SELECT (")]
    assert len(compiled) == 1
    assert list(body["data"]) == ["serverTime", "first", "balance", "__typename"]
    assert body["data"]["first"]["nodes"][0]["enables"] == [
        {"code": "Tc-00001"},
        {"code": "Tc-00002"},
    ]
    assert body == await resolved(session, MIXED)


async def test_errors_are_the_resolvers_errors(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await build_portfolio(session)
    for query in (
        '{ initiatives(after: "nope") { nodes { code } } }',
        "{ kpis(first: 1001) { nodes { code } } }",
        "{ people { nodes { name chain { name } } } }",
    ):
        body = await posted(client, query)
        assert body == await resolved(session, query)
    body = await posted(client, '{ initiatives(after: "nope") { nodes { code } } }')
    assert body["errors"][0]["extensions"] == {
        "code": "invalid_cursor",
        "status": 422,
        "field": "after",
    }
    nested = "{ departments(first: 1) { nodes { people(first: 1001) { totalCount } } } }"
    body = await posted(client, nested)
    assert body == await resolved(session, nested)
    assert body["errors"][0]["extensions"]["code"] == "page_size_exceeded"


async def test_a_bi_reader_reads_compiled_what_it_reads_resolved(
    signed_in: SignIn, session: AsyncSession
) -> None:
    await build_portfolio(session)
    account, run = await signed_in("bi_reader")
    reader = Actor(account_id=account.id, role=Role.bi_reader, label=account.email)
    query = "{ initiatives(first: 3) { totalCount nodes { code owner { name } } } }"
    body = await run(query)
    assert body == await resolved(session, query, actor=reader)
    assert body["data"]["initiatives"]["totalCount"] == 7
    # Only the CDO office reads the audit trail, whichever path the rest of the document takes.
    query = "{ initiatives(first: 3) { totalCount } auditEvents(first: 1) { totalCount } }"
    body = await run(query)
    assert body["data"] is None
    assert body["errors"][0]["message"] == (
        f"{account.email} (bi_reader) may not read the audit trail. This account reads only."
    )
    assert body["errors"][0]["path"] == ["auditEvents"]
    assert body["errors"][0]["locations"] == [{"line": 1, "column": 40}]


async def test_the_root_typename_is_answered_without_sql(
    client: httpx.AsyncClient, session: AsyncSession, queries: QueryCounter
) -> None:
    await build_company(session, 2, tag="t")
    document = "{ __typename kind: __typename initiatives(first: 1) { totalCount } }"
    queries.reset()
    body = await posted(client, document, {})
    assert body == await resolved(session, document, {})
    assert body["data"]["kind"] == "Query"
    compiled = [s for s in queries.statements if "to_json" in s or "json_build" in s]
    assert len(compiled) == 1 and "'Query'" not in compiled[0], compiled
    queries.reset()
    assert await posted(client, "{ __typename }", {}) == {"data": {"__typename": "Query"}}
    assert [s for s in queries.statements if s.startswith("SELECT")] == []


# The BI page's selection, pulled incrementally: what changed since the last pull.
INCREMENTAL = BI_PAGE.replace("query BI($first: Int)", "query Pull($t: DateTime)").replace(
    "initiatives(first: $first)",
    "initiatives(updatedSince: $t, status: [in_progress], first: 1000)",
)


async def test_a_filtered_incremental_pull_is_one_statement(
    client: httpx.AsyncClient, session: AsyncSession, queries: QueryCounter
) -> None:
    company = await build_company(session, 6, tag="f")
    ids = company.initiative_ids
    await session.execute(
        sa.text(
            "UPDATE initiative SET status = :s, updated_at = :at, figures_changed_at = :at"
            " WHERE id = :i"
        ),
        [
            {"i": i, "s": "in_progress" if n % 2 == 0 else "proposed", "at": AT + n * SECOND}
            for n, i in enumerate(ids)
        ],
    )
    for since, codes in ((AT + 2 * SECOND, ["Tf-00002", "Tf-00004"]), (AT + 5 * SECOND, [])):
        variables = {"t": since.isoformat()}
        queries.reset()
        body = await posted(client, INCREMENTAL, variables)
        assert queries.count == 1, queries.statements
        assert [n["code"] for n in body["data"]["initiatives"]["nodes"]] == codes
        assert body == await resolved(session, INCREMENTAL, variables)


async def test_a_bad_filter_id_gives_the_resolvers_error(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await build_portfolio(session)
    query = '{ initiatives(departmentId: "bogus", first: 5) { nodes { code } } }'
    body = await posted(client, query)
    assert body == await resolved(session, query)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["field"] == "departmentId"


def test_a_repeated_pull_reuses_its_statement_and_binds_its_values() -> None:
    core = core_schema(schema)
    document = parse(INCREMENTAL)
    operation = operation_of(document, "Pull")
    assert operation is not None
    plan = make_plan(core, INCREMENTAL, document, operation, {})
    assert plan is not None
    bound = [bind(plan, coerce(core, plan, {"t": (AT + n * SECOND).isoformat()})) for n in (0, 1)]
    (first, early), (second, late) = bound
    assert first is not None and first is second  # the cached text, not a new one
    assert "2026-11-02" not in first and "in_progress" not in first
    filters = [{k: v for k, v in params.items() if "_f_" in k} for params in (early, late)]
    assert [sorted(f.values(), key=str) for f in filters] == [
        [AT, ["in_progress"]],
        [AT + SECOND, ["in_progress"]],
    ]


CHECK_INS = """
query Pull($after: String) {
  initiative(code: "Tc-00001") {
    code
    updates(order: DESC, first: 2, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      nodes { reportedOn summary percentComplete initiativeCode }
    }
  }
}
"""


def _week(day: int) -> dict[str, Any]:
    summary = f"Week {day}"
    return {"reportedOn": f"2026-01-0{day}", "summary": summary, "percentComplete": 10 * day}


async def test_an_initiatives_check_ins_are_pulled_newest_first_in_one_statement(
    client: httpx.AsyncClient, session: AsyncSession, queries: QueryCounter
) -> None:
    await build_portfolio(session)
    first = await compiled_once(client, session, queries, CHECK_INS)
    updates = first["data"]["initiative"]["updates"]
    assert updates["totalCount"] == 4
    assert updates["nodes"] == [
        _week(4) | {"initiativeCode": "Tc-00001"},
        _week(3) | {"initiativeCode": "Tc-00001"},
    ]
    assert updates["pageInfo"]["hasNextPage"] is True
    assert updates["pageInfo"]["hasPreviousPage"] is False
    after = {"after": updates["pageInfo"]["endCursor"]}
    second = await compiled_once(client, session, queries, CHECK_INS, after)
    rest = second["data"]["initiative"]["updates"]
    assert [n["summary"] for n in rest["nodes"]] == ["Week 2", "Week 1"]
    assert (rest["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasPreviousPage"]) == (False, True)
