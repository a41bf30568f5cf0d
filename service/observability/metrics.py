"""Prometheus metrics: requests by route template, GraphQL operations, the database pool,
import/export, and portfolio gauges computed when scraped.

Each application has its own registry. With `PROMETHEUS_MULTIPROC_DIR` set (before the
processes start), counters and histograms are written to files in that folder and a scrape
reads every process's; the pool gauges are those of the process that answers the scrape.
"""

import os
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Mapping,
    MutableMapping,
    Sequence,
)
from contextvars import ContextVar
from decimal import Decimal
from typing import Any
from weakref import WeakKeyDictionary

from fastapi.routing import iter_route_contexts
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Pool
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import BaseRoute

from service.decisions import queue
from service.portfolio import service as portfolio_service
from service.webhooks import service as webhooks_service

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "unmatched"
ANONYMOUS = "anonymous"
OTHER = "other"
# Operation names come from clients: past this many distinct names a process counts "other".
MAX_OPERATION_NAMES = 200

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Metrics:
    """The instruments of one application and the registry a scrape reads."""

    def __init__(self) -> None:
        self.multiprocess = bool(os.environ.get(MULTIPROC_ENV))
        self.registry = CollectorRegistry()
        owner = None if self.multiprocess else self.registry
        self.requests = Counter(
            "http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=owner,
        )
        self.duration = Histogram(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ["method", "route"],
            registry=owner,
        )
        self.graphql = Counter(
            "graphql_operations",
            "GraphQL operations, by operation name and type.",
            ["operation", "type"],
            registry=owner,
        )
        self.import_duration = Histogram(
            "import_duration_seconds",
            "Time to check and write an accepted import.",
            buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
            registry=owner,
        )
        self.import_rows = Counter(
            "import_rows",
            "Rows written by imports (created or updated), by sheet.",
            ["sheet"],
            registry=owner,
        )
        self.export_duration = Histogram(
            "export_duration_seconds",
            "Time to stream an export, by format.",
            ["format"],
            buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
            registry=owner,
        )
        self.webhook_deliveries = Counter(
            "webhook_deliveries",
            "Webhook delivery attempts, by outcome (delivered, retry, failed).",
            ["outcome"],
            registry=owner,
        )
        self._operation_names: set[str] = set()

    def operation_label(self, name: str | None) -> str:
        """The label of an operation name, bounded in number per process."""
        if name is None:
            return ANONYMOUS
        if name in self._operation_names:
            return name
        if len(self._operation_names) >= MAX_OPERATION_NAMES:
            return OTHER
        self._operation_names.add(name)
        return name

    def exposition(self, snapshot: "Snapshot") -> bytes:
        """The Prometheus text of every metric, the scrape-time snapshot included."""
        if self.multiprocess:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        else:
            registry = self.registry
        scraped = CollectorRegistry(auto_describe=False)
        scraped.register(snapshot)
        return generate_latest(registry) + generate_latest(scraped)


_current: ContextVar[Metrics | None] = ContextVar("metrics", default=None)


class Snapshot(Collector):
    """Gauges read when scraped: the database pool and the portfolio figures."""

    def __init__(self, pool: Pool | None, portfolio: "PortfolioFigures | None") -> None:
        self.pool = pool
        self.portfolio = portfolio

    def collect(self) -> list[Metric]:
        found: list[Metric] = []
        checkedout = getattr(self.pool, "checkedout", None)
        checkedin = getattr(self.pool, "checkedin", None)
        if callable(checkedout) and callable(checkedin):
            found.append(
                GaugeMetricFamily(
                    "db_pool_connections_in_use",
                    "Database connections checked out of the pool.",
                    value=checkedout(),
                )
            )
            found.append(
                GaugeMetricFamily(
                    "db_pool_connections_idle",
                    "Database connections idle in the pool.",
                    value=checkedin(),
                )
            )
        if self.portfolio is not None:
            found.extend(self.portfolio.metrics())
        return found


class PortfolioFigures:
    """The portfolio gauges: client share, live flags by code, pending decisions."""

    def __init__(
        self,
        client_share: Decimal | None,
        flags: Mapping[str, int],
        pending_decisions: int,
        webhook_backlog: tuple[int, float] = (0, 0.0),
    ) -> None:
        self.client_share = client_share
        self.flags = flags
        self.pending_decisions = pending_decisions
        self.webhook_backlog = webhook_backlog

    def metrics(self) -> list[Metric]:
        share = GaugeMetricFamily(
            "portfolio_client_share",
            "Client-facing share of the active portfolio's budget (NaN when it has none).",
            value=float("nan") if self.client_share is None else float(self.client_share),
        )
        flags = GaugeMetricFamily("portfolio_flags", "Live flags, by code.", labels=["code"])
        for code, count in sorted(self.flags.items()):
            flags.add_metric([code], count)
        pending = GaugeMetricFamily(
            "portfolio_pending_decisions",
            "Change requests waiting for a CDO office decision.",
            value=self.pending_decisions,
        )
        webhooks = [
            GaugeMetricFamily(
                "webhook_deliveries_pending",
                "Webhook deliveries not yet delivered nor failed.",
                value=self.webhook_backlog[0],
            ),
            GaugeMetricFamily(
                "webhook_delivery_lag_seconds",
                "How long the oldest due webhook delivery has waited (0 when none is due).",
                value=self.webhook_backlog[1],
            ),
        ]
        return [share, flags, pending, *webhooks]


def route_templates(routes: Sequence[BaseRoute]) -> dict[int, str]:
    """The full template of each route (every including router's prefix put back), by the
    route's id; a route included at two places has no single template and is left out."""
    found: dict[int, str] = {}
    ambiguous: set[int] = set()
    for context in iter_route_contexts(routes):
        template = context.path_format or context.path
        key = id(context.original_route)
        if not template or found.get(key, template) != template:
            ambiguous.add(key)
        found[key] = template or ""
    return {key: template for key, template in found.items() if key not in ambiguous}


_templates: "WeakKeyDictionary[Any, tuple[int, dict[int, str]]]" = WeakKeyDictionary()


# Set by what answers before the router does (the compiled GraphQL lane): its route template.
ANSWERED_AS = "cdo_portfolio.route_template"


def route_label(scope: Scope) -> str:
    """The route template that answered (never the raw path), or "unmatched"."""
    route = scope.get("route")
    if route is None:
        return str(scope.get(ANSWERED_AS, UNMATCHED))
    app = scope.get("app")
    routes = getattr(app, "routes", ())
    known = _templates.get(app) if app is not None else None
    if known is None or known[0] != len(routes):
        known = (len(routes), route_templates(routes))
        if app is not None:
            _templates[app] = known
    template = known[1].get(id(route))
    if template:
        return template
    # Not in the table (a route added at two places): its own path, prefixes left out.
    own = getattr(route, "path_format", None) or getattr(route, "path", None)
    return own if isinstance(own, str) and own else UNMATCHED


class MetricsMiddleware:
    """Count and time every HTTP request by method, route template and status."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # when the app fails before answering

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        token = _current.set(self.metrics)
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_status)
        finally:
            elapsed = time.perf_counter() - started
            _current.reset(token)
            method, route = scope["method"], route_label(scope)
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.duration.labels(method, route).observe(elapsed)


def graphql_operation(name: str | None, operation_type: str) -> None:
    """Count one GraphQL operation (no-op outside a measured request)."""
    metrics = _current.get()
    if metrics is not None:
        metrics.graphql.labels(metrics.operation_label(name), operation_type).inc()


def import_done(seconds: float, rows_by_sheet: Mapping[str, int]) -> None:
    """Record an accepted import: its duration and the rows written per sheet."""
    metrics = _current.get()
    if metrics is None:
        return
    metrics.import_duration.observe(seconds)
    for sheet, rows in rows_by_sheet.items():
        metrics.import_rows.labels(sheet).inc(rows)


async def timed_export(chunks: AsyncIterator[bytes], format: str) -> AsyncIterator[bytes]:
    """Pass an export's chunks through and record its duration once fully streamed."""
    metrics = _current.get()
    started = time.perf_counter()
    async for chunk in chunks:
        yield chunk
    if metrics is not None:
        metrics.export_duration.labels(format).observe(time.perf_counter() - started)


async def portfolio_figures(session: AsyncSession) -> PortfolioFigures:
    """The portfolio gauges, through the same rules as the REST balance, flags and queue."""
    balance = await portfolio_service.compute_balance(session)
    flags = await portfolio_service.list_flags(session, limit=1)
    waiting = await queue.count_pending_decisions(session)
    backlog = await webhooks_service.backlog(session)
    return PortfolioFigures(balance.client_share, flags.counts, waiting, backlog)


def webhook_outcome(metrics: Metrics | None) -> Callable[[str], None] | None:
    """What a delivery worker calls per attempt to count it (None: metrics are off)."""
    if metrics is None:
        return None
    counter = metrics.webhook_deliveries
    return lambda outcome: counter.labels(outcome).inc()
