"""A root field that fails leaves its siblings' statements whole: an error answer, not a 500."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.graphql.builders import build_company

# `initiatives` is non-null: a refused cursor nulls the whole data, and graphql-core
# cancels the sibling root fields while their statements may be running.
DOCUMENT = """
{
  a: initiatives { nodes { code } }
  initiatives(after: "eyJhZnRlciI6IngifQ") { nodes { code } }
  kpis { totalCount }
  b: people { totalCount }
}
"""


async def test_a_refused_cursor_beside_other_root_fields_is_an_error_answer(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await build_company(session, 30, tag="c")
    for _ in range(5):
        response = await client.post("/graphql", json={"query": DOCUMENT})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["data"] is None
        assert [(e["message"], e["path"]) for e in body["errors"]] == [
            ("The cursor is not one this API issued.", ["initiatives"])
        ]
    after = await client.post("/graphql", json={"query": "{ kpis { totalCount } }"})
    assert after.status_code == 200
