"""The OpenAPI document says what /graphql answers besides GraphQL results."""

from service.config import Settings
from service.main import create_app


def test_graphql_routes_document_graphiql_and_unreadable_requests() -> None:
    paths = create_app(Settings(database_url="postgresql+psycopg://unused/unused")).openapi()
    get, post = paths["paths"]["/graphql"]["get"], paths["paths"]["/graphql"]["post"]
    assert set(get["responses"]["200"]["content"]) == {"application/json", "text/html"}
    assert set(post["responses"]["200"]["content"]) == {"application/json"}
    for operation in (get, post):
        assert operation["responses"]["400"]["content"] == {
            "text/plain": {"schema": {"type": "string"}}
        }
