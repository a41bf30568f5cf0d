"""Documents bounded before validation (bytes, tokens, fields), and parsed and validated
once per distinct text."""

from typing import Any
from uuid import uuid4

import pytest
from graphql import ASTValidationRule
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions import AddValidationRules

from service.actor import SYSTEM
from service.graphql.context import Context
from service.graphql.documents import BoundedDocuments
from service.graphql.errors import DomainErrors
from service.graphql.limits import QueryLimits
from service.graphql.mutations import Mutation
from service.graphql.queries import Query
from service.graphql.schema import PortfolioSchema
from tests.conftest import QueryCounter
from tests.graphql.builders import build_company
from tests.graphql.conftest import Run

ABUSIVE = "{ " + "initiatives(first: 1) { nodes { code } } " * 300 + "}"  # 900 fields, 12 kB

ROW = "fragment Row on Initiative { code title status orientation budgetPlanned health databaseId }"


def large_document(extra: str = "", name: str = "Large") -> str:
    """Exactly 500 fields, one of them 10 times at one place, 28 aliases: every limit met."""
    blocks = " ".join(
        f"a{n}: initiatives(first: 2) {{ nodes {{ ...Row {'code ' * 9}}} }}" for n in range(27)
    )  # 27 x 18 fields; `code` 10 times in each block's nodes (once in Row)
    last = (
        f"b: initiatives(first: 2) {{ totalCount {extra}nodes {{ ...Row code code code code }} }}"
    )
    return f"query {name} {{ {blocks} {last} }} {ROW}"


class CountValidations(ASTValidationRule):
    """Counts the documents validated."""

    seen = 0

    def enter_document(self, *_: Any) -> None:
        CountValidations.seen += 1


@pytest.fixture(scope="module")
def counted_schema() -> PortfolioSchema:
    """The application's schema and extensions, plus a rule counting validations."""
    return PortfolioSchema(
        query=Query,
        mutation=Mutation,
        extensions=[
            BoundedDocuments,
            lambda: AddValidationRules([CountValidations]),
            QueryLimits,
            DomainErrors,
        ],
    )


def _refusal(body: dict[str, Any]) -> dict[str, Any]:
    assert body["data"] is None, body
    (error,) = body["errors"]
    return {"message": error["message"], **error["extensions"]}


async def test_300_repeated_fields_are_refused_before_validation(
    counted_schema: PortfolioSchema, session: AsyncSession, queries: QueryCounter
) -> None:
    before = CountValidations.seen
    queries.reset()
    result = await counted_schema.execute(ABUSIVE, context_value=Context(session, SYSTEM))
    assert result.data is None
    assert [(e.message, e.extensions) for e in result.errors or []] == [
        (
            "The document selects more than 500 fields (a fragment's fields count wherever"
            " it is spread); the limit is 500.",
            {"code": "too_many_fields", "limit": 500},
        )
    ]
    assert CountValidations.seen == before  # never validated
    assert queries.count == 0


async def test_a_large_legal_document_is_answered_and_validated_once(
    counted_schema: PortfolioSchema, session: AsyncSession
) -> None:
    await build_company(session, 2)
    document = large_document(name=f"Large_{uuid4().hex}")  # never validated before
    before = CountValidations.seen
    answers = [
        await counted_schema.execute(document, context_value=Context(session, SYSTEM))
        for _ in range(2)
    ]
    assert CountValidations.seen == before + 1
    for answer in answers:
        assert answer.errors is None
        data = answer.data or {}
        rows = data["a0"]["nodes"]
        assert [row["code"] for row in rows] == ["T-00000", "T-00001"]
        assert {key: value for key, value in data.items() if key != "b"} == {
            f"a{n}": {"nodes": rows} for n in range(27)
        }
        assert data["b"] == {"totalCount": 2, "nodes": rows}


async def test_only_documents_up_to_4_kib_are_kept(
    counted_schema: PortfolioSchema, session: AsyncSession
) -> None:
    small = f"query Small_{uuid4().hex} {{ serverTime }}"
    large = small + "\n#" + "x" * 4096  # the same operation, over 4 KiB
    before = CountValidations.seen
    for document in (small, small, large, large):
        answer = await counted_schema.execute(document, context_value=Context(session, SYSTEM))
        assert answer.errors is None
    assert CountValidations.seen == before + 3  # the large one each time


async def test_the_abusive_document_over_http_names_the_limit(graphql: Run) -> None:
    assert _refusal(await graphql(ABUSIVE)) == {
        "message": "The document selects more than 500 fields (a fragment's fields count"
        " wherever it is spread); the limit is 500.",
        "code": "too_many_fields",
        "limit": 500,
    }


async def test_one_field_more_is_refused(graphql: Run) -> None:
    error = _refusal(await graphql(large_document(extra="totalCount ")))
    assert (error["code"], error["limit"]) == ("too_many_fields", 500)


async def test_a_field_eleven_times_at_one_place_is_refused(graphql: Run) -> None:
    document = "{ initiatives(first: 1) { nodes { " + "code " * 11 + "} } }"
    assert _refusal(await graphql(document)) == {
        "message": "The field initiatives.nodes.code is selected 11 times at the same place;"
        " the limit is 10.",
        "code": "field_repeated",
        "limit": 10,
        "repeats": 11,
        "field": "initiatives.nodes.code",
    }


async def test_repeats_through_fragments_count_at_the_place_they_land(graphql: Run) -> None:
    fragments = " ".join(f"fragment F{n} on Query {{ serverTime }}" for n in range(11))
    spreads = " ".join(f"...F{n}" for n in range(11))
    error = _refusal(await graphql(f"{{ {spreads} }} {fragments}"))
    assert (error["code"], error["field"], error["repeats"]) == ("field_repeated", "serverTime", 11)


async def test_fragments_spread_twice_per_level_count_every_spread(graphql: Run) -> None:
    # 16 levels of a fragment spread twice: 2**16 copies of one connection.
    chain = " ".join(
        f"fragment F{n} on Query {{ initiatives(first: 1) {{ totalCount }}"
        f" ...F{n + 1} ... on Query {{ ...F{n + 1} }} }}"
        for n in range(16)
    )
    document = f"{{ ...F0 }} {chain} fragment F16 on Query {{ serverTime }}"
    error = _refusal(await graphql(document))
    assert (error["code"], error["limit"]) == ("too_many_fields", 500)


async def test_a_document_over_the_byte_limit_is_refused(graphql: Run) -> None:
    document = "{ serverTime }\n#" + "x" * (65_537 - len("{ serverTime }\n#"))
    assert _refusal(await graphql(document)) == {
        "message": "The document is 65537 bytes; the limit is 65536.",
        "code": "document_too_large",
        "limit": 65_536,
        "bytes": 65_537,
    }


async def test_bytes_are_counted_in_utf8(graphql: Run) -> None:
    document = "{ serverTime }\n#" + "é" * 32_761  # 16 + 65,522 bytes
    assert _refusal(await graphql(document))["bytes"] == 65_538


async def test_a_syntax_error_stays_a_syntax_error(graphql: Run) -> None:
    body = await graphql("{ serverTime ")
    (error,) = body["errors"]
    assert error["message"] == "Syntax Error: Expected Name, found <EOF>."
    assert error["extensions"] == {"code": "invalid_query"}
