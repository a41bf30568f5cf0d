"""Structured logs: one request line per request with its fields, and never a secret.

The secret check greps the JSON log captured across a run of representative requests in
this module (sign-in with a password, a bearer token, a session cookie, a form with a CSRF
token, a 500 and a 422), not the log of the whole suite.
"""

import io
import json
import logging
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from service.auth import sessions
from service.config import Settings
from service.observability import logs
from tests.dbutil import scratch_database
from tests.factories import make_account, make_initiative, make_token
from tests.ops.serving import serving

SECRET_KEY = secrets.token_urlsafe(32)
METRICS_TOKEN = secrets.token_urlsafe(24)
DATABASE_PASSWORD = secrets.token_urlsafe(12)
PASSWORD = "correct-horse-1"  # tests/factories.py: make_account(with_password=True)
WRONG_PASSWORD = "Wrong-" + secrets.token_urlsafe(9)


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url=None, secret_key=SECRET_KEY, metrics_token=METRICS_TOKEN)


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Every log line (structlog and standard logging) as JSON, in memory."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    logs.configure("json", stream=stream)
    yield stream
    for handler in [h for h in root.handlers if h.get_name() == logs.HANDLER_NAME]:
        root.removeHandler(handler)
    root.setLevel(level)
    structlog.reset_defaults()


class Statements:
    """Every SQL statement the engine sends, counted per request by the test."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args: Any) -> None:
        self.count += 1


@pytest.fixture
def statements(engine: AsyncEngine) -> Iterator[Statements]:
    counter = Statements()
    event.listen(engine.sync_engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine.sync_engine, "before_cursor_execute", counter)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _request_lines(stream: io.StringIO) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for line in _lines(stream):
        if line.get("logger") == "cdo_portfolio.request":
            found.setdefault(line["request_id"], []).append(line)
    return found


async def test_each_request_logs_one_line_and_no_secret(
    secured_app: FastAPI,
    session: AsyncSession,
    captured: io.StringIO,
    statements: Statements,
) -> None:
    async def boom() -> None:
        raise RuntimeError(f"cannot reach postgresql://cdo:{DATABASE_PASSWORD}@db:5432/cdo")

    secured_app.add_api_route("/boom", boom)
    viewer = await make_account(session, "viewer", with_password=True)
    cdo = await make_account(session, "cdo_office")
    token = await make_token(session, cdo)
    initiative = await make_initiative(session)
    await session.commit()
    viewer_id, cdo_id, initiative_id = viewer.id, cdo.id, initiative.id

    transport = httpx.ASGITransport(app=secured_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        sql: dict[str, int] = {}

        async def call(rid: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
            headers = {"X-Request-ID": rid} | kwargs.pop("headers", {})
            statements.count = 0
            response = await http.request(method, url, headers=headers, **kwargs)
            sql[rid] = statements.count
            return response

        bearer = {"Authorization": f"Bearer {token}"}
        login = {"email": viewer.email, "password": WRONG_PASSWORD}
        assert (await call("r-wrong", "POST", "/api/v1/auth/login", json=login)).status_code == 401
        login["password"] = PASSWORD
        signed = await call("r-login", "POST", "/api/v1/auth/login", json=login)
        assert signed.status_code == 200
        cookie = http.cookies[sessions.SESSION_COOKIE]
        csrf = signed.json()["csrf_token"]
        assert (await call("r-me", "GET", "/api/v1/auth/me")).status_code == 200
        created = await call(
            "r-token", "POST", "/api/v1/auth/tokens", json={"name": "ci"},
            headers={"X-CSRF-Token": csrf},
        )  # fmt: skip
        assert created.status_code == 201
        new_token = created.json()["token"]
        http.cookies.clear()
        one = f"/api/v1/initiatives/{initiative_id}?access_token={token}&password={PASSWORD}"
        assert (await call("r-bearer", "GET", one, headers=bearer)).status_code == 200
        bad = {"name": 5, "password": PASSWORD, "client_secret": SECRET_KEY}
        invalid = await call("r-422", "POST", "/api/v1/initiatives", json=bad, headers=bearer)
        assert invalid.status_code == 422
        assert (await call("r-500", "GET", "/boom", headers=bearer)).status_code == 500
        metrics = {"Authorization": f"Bearer {METRICS_TOKEN}"}
        assert (await call("r-metrics", "GET", "/metrics", headers=metrics)).status_code == 200
        http.cookies.set(sessions.SESSION_COOKIE, cookie)
        form = {"csrf_token": csrf}
        assert (await call("r-form", "POST", "/logout", data=form)).status_code == 303

    text = captured.getvalue()
    used = [PASSWORD, WRONG_PASSWORD, token, new_token, cookie, csrf, SECRET_KEY]
    used += [METRICS_TOKEN, DATABASE_PASSWORD]
    leaked = [line for line in text.splitlines() if any(s in line for s in used)]
    assert leaked == []

    lines = _request_lines(captured)
    expected = {
        "r-wrong": ("POST", "/api/v1/auth/login", 401, None, None),
        "r-login": ("POST", "/api/v1/auth/login", 200, None, None),
        "r-me": ("GET", "/api/v1/auth/me", 200, viewer_id, "viewer"),
        "r-token": ("POST", "/api/v1/auth/tokens", 201, viewer_id, "viewer"),
        "r-bearer": ("GET", "/api/v1/initiatives/{initiative_id}", 200, cdo_id, "cdo_office"),
        "r-422": ("POST", "/api/v1/initiatives", 422, cdo_id, "cdo_office"),
        "r-500": ("GET", "/boom", 500, None, None),
        "r-metrics": ("GET", "/metrics", 200, None, None),
        "r-form": ("POST", "/logout", 303, None, None),  # signs out: reads no actor
    }
    assert {rid: len(found) for rid, found in lines.items()} == dict.fromkeys(expected, 1)
    fields = {
        rid: (line["method"], line["route"], line["status"], line["actor_id"], line["role"])
        for rid, (line,) in lines.items()
    }
    assert fields == expected
    assert {rid: line["sql_statements"] for rid, (line,) in lines.items()} == sql
    assert all(isinstance(line["duration_ms"], float) for (line,) in lines.values())
    failed = lines["r-500"][0]
    assert (failed["level"], failed["event"]) == ("error", "request failed")
    assert "Traceback" in failed["exception"]
    assert (
        "RuntimeError: cannot reach postgresql://cdo:[redacted]@db:5432/cdo"
        in (failed["exception"])
    )
    assert {line["level"] for rid, (line,) in lines.items() if rid != "r-500"} == {"info"}


def test_serve_writes_request_lines_instead_of_uvicorn_access_lines(
    database_url: str, tmp_path: Path
) -> None:
    unknown = "cdo_" + secrets.token_urlsafe(24)
    with scratch_database(database_url, "logs") as url:
        env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin", "LOG_FORMAT": "json"}
        with serving([sys.executable, "-m", "service.cli", "serve"], env, tmp_path) as base:
            headers = {"X-Request-ID": "r-serve", "Authorization": f"Bearer {unknown}"}
            response = httpx.get(f"{base}/api/v1/initiatives", headers=headers)
            assert response.status_code == 401
    text = (tmp_path / "serve.log").read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    served = [line for line in lines if line.get("request_id") == "r-serve"]
    fields = [(line["logger"], line["method"], line["route"], line["status"]) for line in served]
    assert fields == [("cdo_portfolio.request", "GET", "/api/v1/initiatives", 401)]
    assert [line["logger"] for line in lines if "Uvicorn running" in line["event"]] == [
        "uvicorn.error"
    ]
    assert "HTTP/1.1" not in text  # uvicorn's access line: '"GET /api/v1/... HTTP/1.1" 401'
    assert unknown not in text


async def test_console_lines_are_readable(client: httpx.AsyncClient, captured: io.StringIO) -> None:
    stream = io.StringIO()
    logs.configure("console", stream=stream)
    response = await client.get("/api/v1/initiatives", headers={"X-Request-ID": "r-console"})
    assert response.status_code == 200
    (line,) = [line for line in stream.getvalue().splitlines() if "r-console" in line]
    assert "request" in line
    assert "route=/api/v1/initiatives" in line
    assert "status=200" in line
    assert "{" not in line  # not JSON


def test_json_off_a_terminal() -> None:
    assert logs.default_format(io.StringIO()) == "json"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("postgresql+psycopg://cdo:s3cr3t@db/cdo", "postgresql+psycopg://cdo:[redacted]@db/cdo"),
        ("Authorization: Bearer abcdefgh12345", "Authorization: Bearer [redacted]"),
        ("https://example.com/a:b", "https://example.com/a:b"),
        ("token:\n\tBearer\tabcdefgh12345", "token:\n\tBearer\t[redacted]"),
        (
            "GET /x?limit=5&access_token=abc&Password=p#top",
            "GET /x?limit=5&access_token=[redacted]&Password=[redacted]#top",
        ),
    ],
)
def test_mask_text(text: str, masked: str) -> None:
    assert logs.mask_text(text) == masked


def test_redact_drops_secret_keys_at_any_depth() -> None:
    event_dict = {
        "event": "x",
        "password": "p",
        "headers": {"Authorization": "Bearer zzzzzzzzzz", "accept": "text/html"},
        "settings": [{"metrics_token": "m", "currency": "EUR"}],
    }
    assert logs.redact(None, "info", event_dict) == {
        "event": "x",
        "password": "[redacted]",
        "headers": {"Authorization": "[redacted]", "accept": "text/html"},
        "settings": [{"metrics_token": "[redacted]", "currency": "EUR"}],
    }
