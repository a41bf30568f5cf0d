"""The document bounds are the installation's settings, each exact at its boundary."""

import pytest

from service.config import Settings
from tests.graphql.conftest import Run


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "graphql_max_document_bytes": 100,
            "graphql_max_tokens": 19,
            "graphql_max_fields": 6,
            "graphql_max_field_repeats": 2,
        }
    )


async def _code(graphql: Run, document: str) -> str | None:
    """The error code of the answer, None when it has no error."""
    body = await graphql(document)
    if "errors" not in body:
        return None
    (error,) = body["errors"]
    return str(error["extensions"]["code"])


async def test_bytes(graphql: Run) -> None:
    document = "{ serverTime }\n#"
    assert await _code(graphql, document + "x" * (100 - len(document))) is None
    assert await _code(graphql, document + "x" * (101 - len(document))) == "document_too_large"


async def test_tokens(graphql: Run) -> None:
    nineteen = "query($n: Int) { initiatives(first: $n) { totalCount } }"
    assert await _code(graphql, nineteen) is None
    twenty_one = "query($n: Int = 1) { initiatives(first: $n) { totalCount } }"
    body = await graphql(twenty_one)
    (error,) = body["errors"]
    assert (error["message"], error["extensions"]) == (
        "The document has more than 19 tokens; the limit is 19.",
        {"code": "too_many_tokens", "limit": 19},
    )


async def test_fields(graphql: Run) -> None:
    six = "{ initiatives { totalCount nodes { code title } } serverTime }"
    assert await _code(graphql, six) is None
    seven = "{ initiatives { totalCount nodes { code title id } } serverTime }"
    assert await _code(graphql, seven) == "too_many_fields"


async def test_repeats(graphql: Run) -> None:
    assert await _code(graphql, "{ serverTime serverTime }") is None
    body = await graphql("{ serverTime serverTime serverTime }")
    (error,) = body["errors"]
    assert error["extensions"] == {
        "code": "field_repeated",
        "limit": 2,
        "repeats": 3,
        "field": "serverTime",
    }
