"""Property-based run of the served OpenAPI: no 5xx and no response outside the schema."""

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.auth import tokens
from service.config import Settings
from service.main import create_app
from tests.dbutil import scratch_database

# Requests run as the CDO office, so every route is exercised past authentication.
TOKEN = tokens.new_token()
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _add_cdo_token(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as db:
        db.execute(
            "WITH a AS (INSERT INTO account (email, role) VALUES ('cdo@example.com', 'cdo_office')"
            " RETURNING id) INSERT INTO api_token (account_id, name, prefix, token_hash)"
            " SELECT id, 'schemathesis', %s, %s FROM a",
            (TOKEN[: tokens.VISIBLE_CHARS], tokens.hash_token(TOKEN)),
        )


@pytest.fixture(scope="module")
def api_schema(database_url: str) -> Iterator[schemathesis.schemas.BaseSchema]:
    with scratch_database(database_url, "schemathesis") as url:
        from service import migrate

        migrate.upgrade(url)
        _add_cdo_token(url)
        app = create_app(Settings(database_url=url, db_pool_size=2))
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")

# Bad input of every kind must get a documented 4xx: never a 5xx, never an answer whose
# status, content type or body is outside the published schema.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_answers_within_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS, headers=AUTH)
