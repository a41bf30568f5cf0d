"""Request bodies are bounded; NUL characters and invalid UTF-8 are refused naming the field.

Never a 503: text PostgreSQL cannot store is refused before any handler runs.
"""

from collections.abc import AsyncIterator, MutableMapping
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.request_guard import RequestGuardMiddleware
from tests.pages.conftest import TODAY, Browser, World

LIMIT = 1_000_000  # the MAX_BODY_BYTES default
PROBLEM_JSON = "application/problem+json"


def _invalid(field: str, message: str, path: str) -> dict[str, Any]:
    return {
        "type": "about:blank#validation_error",
        "title": "Invalid input",
        "status": 422,
        "detail": f"{field}: {message}",
        "code": "validation_error",
        "instance": path,
        "field": field,
        "errors": [{"field": field, "message": message}],
    }


def _nul(field: str, path: str) -> dict[str, Any]:
    return _invalid(field, "must not contain NUL characters", path)


def _too_large(path: str) -> dict[str, Any]:
    return {
        "type": "about:blank#body_too_large",
        "title": "Request body too large",
        "status": 413,
        "detail": "The request body is over the limit of 1000000 bytes (MAX_BODY_BYTES).",
        "code": "body_too_large",
        "instance": path,
        "limit": LIMIT,
    }


async def _checkins(session: AsyncSession) -> int:
    return int(await session.scalar(text("SELECT count(*) FROM progress_update")) or 0)


def _checkin_url(world: World) -> str:
    return f"/api/v1/initiatives/{world.shop.id}/updates"


async def test_nul_in_a_json_field_is_422_naming_it(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    before = await _checkins(session)
    body = {"percent_complete": 50, "health": "green", "summary": "Fine\u0000"}
    response = await client.post(_checkin_url(world), json=body)
    assert (response.status_code, response.headers["content-type"]) == (422, PROBLEM_JSON)
    assert response.json() == _nul("summary", _checkin_url(world))
    assert await _checkins(session) == before


async def test_nul_in_graphql_variables_is_422_naming_the_variable(
    client: httpx.AsyncClient, world: World
) -> None:
    query = (
        "mutation($input: RecordProgressUpdateInput!)"
        " { recordProgressUpdate(input: $input) { databaseId } }"
    )
    given = {"initiativeId": str(world.shop.id), "percentComplete": 5, "health": "green"}
    variables = {"input": given | {"summary": "ok", "nextSteps": "a\u0000"}}
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 422
    assert response.json() == _nul("variables.input.nextSteps", "/graphql")


async def test_nul_in_a_graphql_literal_is_a_validation_error(
    client: httpx.AsyncClient, world: World
) -> None:
    # Written into the document itself, the NUL reaches the database: refused there, 422.
    response = await client.post(
        "/graphql", json={"query": '{ initiative(code: "INI-\\u0000") { code } }'}
    )
    error = response.json()["errors"][0]
    assert (error["extensions"]["code"], error["extensions"]["status"]) == ("invalid_text", 422)
    assert error["message"] == (
        "A text cannot be stored: PostgreSQL text fields cannot contain NUL (0x00) bytes"
    )


async def test_nul_in_a_page_form_field_is_422_naming_it(
    cdo: Browser, world: World, session: AsyncSession
) -> None:
    before = await _checkins(session)
    url = f"/initiatives/{world.shop.id}/checkins/new"
    form = {"percent_complete": "5", "health": "green", "reported_on": TODAY.isoformat()}
    response = await cdo.post(url, form | {"summary": "ok", "blockers": "x\x00"})
    assert response.status_code == 422
    assert response.json() == _nul("blockers", url)
    assert await _checkins(session) == before


async def test_nul_in_the_login_email_or_password_is_422_naming_it(
    anon: httpx.AsyncClient,
) -> None:
    url = "/api/v1/auth/login"
    email = await anon.post(url, json={"email": "a\u0000@example.com", "password": "secret"})
    assert (email.status_code, email.json()) == (422, _nul("email", url))
    password = await anon.post(url, json={"email": "a@example.com", "password": "se\u0000cret"})
    assert (password.status_code, password.json()) == (422, _nul("password", url))
    page = await anon.post("/login", data={"email": "a\x00@example.com", "password": "secret"})
    assert (page.status_code, page.json()) == (422, _nul("email", "/login"))


async def test_nul_in_a_query_parameter_is_422_naming_it(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/initiatives", params={"q": "shop\x00"})
    assert response.status_code == 422
    assert response.json() == _nul("q", "/api/v1/initiatives")
    people = await client.get("/api/v1/people?q=%00")
    assert people.json() == _nul("q", "/api/v1/people")


async def test_invalid_utf8_in_a_json_body_is_422_naming_the_field(
    client: httpx.AsyncClient, world: World
) -> None:
    raw = b'{"percent_complete": 5, "health": "green", "summary": "caf\xe9"}'
    response = await client.post(
        _checkin_url(world), content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json() == _invalid("summary", "must be valid UTF-8 text", _checkin_url(world))


async def test_invalid_utf8_in_a_form_field_is_422_naming_it(cdo: Browser, world: World) -> None:
    url = f"/initiatives/{world.shop.id}/checkins/new"
    raw = f"csrf_token={cdo.csrf}&percent_complete=5&health=green&summary=caf%E9".encode()
    headers = {"content-type": "application/x-www-form-urlencoded"}
    response = await cdo.http.post(url, content=raw, headers=headers)
    assert response.status_code == 422
    assert response.json() == _invalid("summary", "must be valid UTF-8 text", url)


async def test_a_json_body_over_the_limit_is_413(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    before = await _checkins(session)
    body = {"percent_complete": 5, "health": "green", "summary": "x" * LIMIT}
    response = await client.post(_checkin_url(world), json=body)
    assert (response.status_code, response.headers["content-type"]) == (413, PROBLEM_JSON)
    assert response.json() == _too_large(_checkin_url(world))
    assert await _checkins(session) == before
    # Exactly at the limit, the body reaches its handler.
    fits = b'{"percent_complete": 5, "health": "green", "summary": "Fits."}'
    padded = fits + b" " * (LIMIT - len(fits))
    headers = {"content-type": "application/json"}
    served = await client.post(_checkin_url(world), content=padded, headers=headers)
    assert (served.status_code, served.json()["summary"]) == (201, "Fits.")


async def test_a_body_sent_in_chunks_is_counted_while_it_arrives(
    client: httpx.AsyncClient, world: World
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(11):
            yield b" " * 100_000  # no Content-Length: chunked

    response = await client.post(
        _checkin_url(world), content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json() == _too_large(_checkin_url(world))


async def test_a_content_length_that_says_less_is_not_believed() -> None:
    reached: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append((await receive())["body"])

    guard = RequestGuardMiddleware(app, max_bytes=10)
    messages = [
        {"type": "http.request", "body": b"123456", "more_body": True},
        {"type": "http.request", "body": b"789012", "more_body": False},
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/kpis",
        "query_string": b"",
        "headers": [(b"content-length", b"5"), (b"content-type", b"application/json")],
    }
    await guard(scope, receive, send)
    assert reached == []
    assert sent[0]["status"] == 413


async def test_the_import_upload_has_its_own_limit_and_reports_long_texts(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    # Larger than MAX_BODY_BYTES, well under IMPORT_MAX_BYTES: the import reads it and
    # reports the over-long summary as a problem of its row and column.
    before = await _checkins(session)
    header = b"initiative_code,reported_on,percent_complete,health,summary\n"
    long = b"INI-001,2026-01-01,5,green," + b"s" * 4_001 + b"\n"
    fine = b"".join(b"INI-001,2026-02-01,5,green,%05d %s\n" % (n, b"y" * 100) for n in range(9_000))
    csv = header + long + fine
    assert len(csv) > LIMIT
    files = {"file": ("checkins.csv", csv, "text/csv")}
    response = await client.post("/api/v1/import", files=files)
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {
            "sheet": "checkins",
            "row": 2,
            "column": "summary",
            "message": "Longer than 4000 characters.",
            "code": "too_long",
        }
    ]
    assert await _checkins(session) == before
