"""Traces: a server span per request named by its route, SQL spans beneath it; off and not
imported without OTEL_EXPORTER_OTLP_ENDPOINT."""

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import SpanKind
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from service import migrate
from service.config import Settings
from service.deps import current_actor, get_session
from service.main import create_app
from service.observability import traces
from tests.conftest import TEST_ACTOR
from tests.dbutil import scratch_database
from tests.factories import make_initiative


@pytest.fixture
def exporter(app: FastAPI) -> Iterator[InMemorySpanExporter]:
    """The app's spans, kept in memory."""
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    traces.instrument(app, provider)
    yield spans
    traces.uninstrument(app)
    provider.shutdown()


async def test_a_request_has_a_server_span_and_sql_spans_beneath_it(
    app: FastAPI, session: AsyncSession, exporter: InMemorySpanExporter
) -> None:
    initiative = await make_initiative(session)
    exporter.clear()  # the factory's own statements
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get(f"/api/v1/initiatives/{initiative.id}")
    assert response.status_code == 200

    spans: tuple[ReadableSpan, ...] = exporter.get_finished_spans()
    (server,) = [span for span in spans if span.kind is SpanKind.SERVER]
    assert server.name == "GET /api/v1/initiatives/{initiative_id}"
    assert server.attributes is not None
    assert server.attributes["http.route"] == "/api/v1/initiatives/{initiative_id}"
    sql = [span for span in spans if span.attributes and "db.statement" in span.attributes]
    assert sql != []
    assert server.context is not None
    assert {span.context.trace_id for span in sql if span.context} == {server.context.trace_id}
    assert {span.parent.span_id for span in sql if span.parent} == {server.context.span_id}
    statements = [str(span.attributes["db.statement"]) for span in sql if span.attributes]
    assert any("FROM initiative" in statement for statement in statements)


async def test_an_app_that_opens_its_own_engine_traces_its_sql(database_url: str) -> None:
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    with scratch_database(database_url, "traces") as url:
        migrate.upgrade(url)
        app = create_app(Settings(database_url=url))
        app.dependency_overrides[current_actor] = lambda: TEST_ACTOR
        traces.instrument(app, provider)  # no engine yet: it is opened at startup
        try:
            async with LifespanManager(app, startup_timeout=60) as started:
                transport = httpx.ASGITransport(app=started.app)
                async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                    response = await http.get("/api/v1/initiatives")
        finally:
            traces.uninstrument(app)
    assert response.status_code == 200
    finished = spans.get_finished_spans()
    (server,) = [span for span in finished if span.kind is SpanKind.SERVER]
    assert server.name == "GET /api/v1/initiatives"
    sql = [span for span in finished if span.attributes and "db.statement" in span.attributes]
    assert server.context is not None
    assert [span.name for span in sql if span.parent == server.context] != []


class Collector(BaseHTTPRequestHandler):
    """An OTLP/HTTP receiver that keeps what it was sent."""

    received: list[tuple[str, str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers["Content-Type"], body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def collector() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    Collector.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_the_endpoint_setting_sends_spans_to_the_collector(
    engine: AsyncEngine, session: AsyncSession, collector: str
) -> None:
    initiative = await make_initiative(session)
    settings = Settings(database_url=None, otel_exporter_otlp_endpoint=collector)
    app = create_app(settings, engine=engine)
    app.dependency_overrides[get_session] = lambda: session
    app.dependency_overrides[current_actor] = lambda: TEST_ACTOR
    try:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            response = await http.get(f"/api/v1/initiatives/{initiative.id}")
        assert response.status_code == 200
        provider = trace.get_tracer_provider()
        assert isinstance(provider, TracerProvider)
        assert provider.force_flush()
    finally:
        traces.uninstrument(app)
        provider = trace.get_tracer_provider()
        if isinstance(provider, TracerProvider):
            provider.shutdown()
    paths = {(path, kind) for path, kind, _body in Collector.received}
    assert paths == {("/v1/traces", "application/x-protobuf")}
    sent = b"".join(body for _path, _kind, body in Collector.received)
    assert b"/api/v1/initiatives/{initiative_id}" in sent
    assert b"FROM initiative" in sent


def test_nothing_is_imported_without_an_endpoint(tmp_path: Any) -> None:
    # FastAPI itself imports the OpenTelemetry API's context; the SDK, the exporter and the
    # instrumentations are what tracing would load.
    code = (
        "import sys\n"
        "from service.config import Settings\n"
        "from service.main import create_app\n"
        "create_app(Settings(database_url='postgresql+psycopg://u@localhost/x'))\n"
        "print(sorted(m for m in sys.modules if m.startswith(("
        "'opentelemetry.sdk', 'opentelemetry.exporter', 'opentelemetry.instrumentation'))))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    ran = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert (ran.returncode, ran.stdout.strip()) == (0, "[]"), ran.stderr


def test_an_endpoint_without_the_extra_turns_nothing_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(traces, "available", lambda: False)
    settings = Settings(database_url=None, otel_exporter_otlp_endpoint="http://collector:4318")
    assert traces.install(FastAPI(), settings) is False


@pytest.mark.parametrize(
    ("endpoint", "url"),
    [
        ("http://collector:4318", "http://collector:4318/v1/traces"),
        ("http://collector:4318/", "http://collector:4318/v1/traces"),
        ("http://collector:4318/v1/traces", "http://collector:4318/v1/traces"),
    ],
)
def test_traces_url(endpoint: str, url: str) -> None:
    assert traces.traces_url(endpoint) == url
