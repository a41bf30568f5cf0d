"""OpenTelemetry traces of requests and SQL statements.

On when the `otel` extra is installed (`pip install "cdo-portfolio[otel]"`) and
OTEL_EXPORTER_OTLP_ENDPOINT names an OTLP/HTTP collector; otherwise this module imports
nothing from OpenTelemetry and adds nothing to a request. A process traces one database
engine: the one of the application it serves.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI

from service.config import Settings
from service.observability import logs

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

REQUIRED = (
    "opentelemetry.sdk",
    "opentelemetry.exporter.otlp.proto.http",
    "opentelemetry.instrumentation.fastapi",
    "opentelemetry.instrumentation.sqlalchemy",
)


def available() -> bool:
    """Whether the `otel` extra is installed (found without importing it)."""
    try:
        return all(importlib.util.find_spec(name) is not None for name in REQUIRED)
    except ModuleNotFoundError:
        return False


def traces_url(endpoint: str) -> str:
    """The OTLP/HTTP traces URL of a collector's base endpoint (as the variable gives it)."""
    base = endpoint.rstrip("/")
    return base if base.endswith("/v1/traces") else f"{base}/v1/traces"


def install(app: FastAPI, settings: Settings) -> bool:
    """Trace the application's requests and SQL when an OTLP endpoint is set and the `otel`
    extra is installed; True when tracing is on."""
    endpoint = settings.otel_exporter_otlp_endpoint
    if not endpoint:
        return False
    if not available():
        log.warning(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set but the otel extra is not installed:"
            ' pip install "cdo-portfolio[otel]". Tracing is off.'
        )
        return False
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = tracer_provider(settings.otel_service_name)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=traces_url(endpoint))))
    trace.set_tracer_provider(provider)
    instrument(app, provider)
    return True


def tracer_provider(service_name: str) -> TracerProvider:
    """A tracer provider whose spans name this service."""
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider

    return TracerProvider(resource=Resource.create({"service.name": service_name}))


def instrument(app: FastAPI, provider: TracerProvider) -> None:
    """Send a server span per request (named by route template) and a child span per SQL
    statement to `provider`; the engine is traced now if the app has one, else at startup."""
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider)
    logs.use_trace_ids(current_trace_ids)
    engine = getattr(app.state, "engine", None)
    if engine is not None:
        _trace_engine(engine, provider)
        return
    serve = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        async with serve(application) as state:
            _trace_engine(application.state.engine, provider)
            yield state

    app.router.lifespan_context = lifespan


def current_trace_ids() -> tuple[str, str] | None:
    """The trace id (32 hex digits) and span id (16) of the current span, if any."""
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def _trace_engine(engine: AsyncEngine, provider: TracerProvider) -> None:
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    # The instrumentation declares SQLAlchemy < 2.1 and refuses 2.1 unless told; the spans
    # it makes on 2.1 are checked by tests/observability/test_traces.py.
    SQLAlchemyInstrumentor().instrument(
        engine=engine.sync_engine, tracer_provider=provider, skip_dep_check=True
    )


def uninstrument(app: FastAPI) -> None:
    """Stop tracing the application and its engine."""
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    FastAPIInstrumentor.uninstrument_app(app)
    SQLAlchemyInstrumentor().uninstrument()
    logs.use_trace_ids(None)
