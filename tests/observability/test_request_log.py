"""The request line: a 500's stack written once in a real uvicorn server's log, and the
trace id of the request when tracing is on."""

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import structlog
import uvicorn
from fastapi import FastAPI
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from service.observability import logs, traces
from tests.ops.serving import free_port


class Boom(RuntimeError):
    pass


async def _boom() -> None:
    raise Boom("the stack of this failure is written once")


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """Put the root logger, uvicorn's loggers and structlog back as they were."""
    names = ["", "uvicorn", "uvicorn.error", "uvicorn.access"]
    saved = {
        name: (logger.handlers[:], logger.level, logger.propagate, logger.filters[:])
        for name in names
        for logger in [logging.getLogger(name)]
    }
    yield
    for name, (handlers, level, propagate, filters) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:], logger.filters[:] = handlers, filters
        logger.setLevel(level)
        logger.propagate = propagate
    structlog.reset_defaults()


async def test_a_500_stack_is_written_once_by_a_real_server(
    app: FastAPI, restored_logging: None
) -> None:
    app.add_api_route("/boom", _boom)
    stream = io.StringIO()
    log_config = logs.logging_config("json")
    log_config["handlers"]["stderr"]["stream"] = stream
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="off", log_config=log_config, access_log=False
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
            await asyncio.sleep(0.02)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            response = await http.get("/boom", headers={"X-Request-ID": "r-boom"})
    finally:
        server.should_exit = True
        await serving
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"

    text = stream.getvalue()
    assert text.count("Traceback (most recent call last)") == 1
    assert text.count("Boom: the stack of this failure is written once") == 1
    lines = [json.loads(line) for line in text.splitlines()]
    (failed,) = [line for line in lines if "exception" in line]
    assert (failed["logger"], failed["event"], failed["request_id"], failed["route"]) == (
        "cdo_portfolio.request",
        "request failed",
        "r-boom",
        "/boom",
    )
    assert [line["event"] for line in lines if line["level"] == "error"] == ["request failed"]


def test_a_record_about_an_exception_already_written_is_dropped() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.StackOnce())
    logger = logging.Logger("stack-once")
    logger.addHandler(handler)
    for failure in (ValueError("first"), ValueError("second")):
        try:
            raise failure
        except ValueError:
            logger.exception("handled")
            logger.error("again", exc_info=failure)
        logger.info("no exception")
    text = stream.getvalue()
    assert (text.count("Traceback"), text.count("handled"), text.count("no exception")) == (2, 2, 2)
    assert ("ValueError: first" in text, "ValueError: second" in text) == (True, True)
    assert "again" not in stream.getvalue()


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    logs.configure("json", stream=stream)
    yield stream
    for handler in [h for h in root.handlers if h.get_name() == logs.HANDLER_NAME]:
        root.removeHandler(handler)
    root.setLevel(level)
    structlog.reset_defaults()


def _request_line(stream: io.StringIO, request_id: str) -> dict[str, Any]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    (line,) = [line for line in lines if line.get("request_id") == request_id]
    return line


async def test_request_line_carries_the_trace_id_while_tracing(
    app: FastAPI, captured: io.StringIO
) -> None:
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    traces.instrument(app, provider)  # before the first request builds the middleware
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        try:
            traced = await http.get("/api/v1/initiatives", headers={"X-Request-ID": "r-on"})
        finally:
            traces.uninstrument(app)
            provider.shutdown()
        after = await http.get("/api/v1/initiatives", headers={"X-Request-ID": "r-after"})
    assert [traced.status_code, after.status_code] == [200, 200]

    (server,) = [s for s in spans.get_finished_spans() if s.kind is SpanKind.SERVER]
    assert server.context is not None
    line = _request_line(captured, "r-on")
    assert line["trace_id"] == format(server.context.trace_id, "032x")
    assert line["span_id"] == format(server.context.span_id, "016x")
    assert {"trace_id", "span_id"} & set(_request_line(captured, "r-after")) == set()
