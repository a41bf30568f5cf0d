"""create_app(settings): the ASGI application with every surface mounted."""

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from service import api, migrate, pages, problems
from service.auth import credential_cache, proxies, secret
from service.auth.oidc import config as sso_config
from service.config import Settings, get_settings
from service.db import make_engine, make_read_pool, make_sessionmaker
from service.embedded_db import EmbeddedPostgres
from service.graphql.compiled.lane import CompiledLane
from service.graphql.compiled.planner import Planner
from service.graphql.compiled.sdl import core_schema
from service.graphql.schema import make_router as graphql_router
from service.graphql.schema import schema as graphql_schema
from service.i18n.middleware import LocaleMiddleware
from service.observability import metrics, metrics_router, traces
from service.observability.request_log import RequestLogMiddleware
from service.pages import api_docs
from service.request_guard import RequestGuardMiddleware
from service.request_id import RequestIdMiddleware
from service.security_headers import SecurityHeadersMiddleware
from service.webhooks import worker as webhook_worker

SWITCH_INTERVAL = 0.001  # seconds


async def resolve_database_url(settings: Settings) -> tuple[str, EmbeddedPostgres | None]:
    """DATABASE_URL when set; otherwise start the embedded server and migrate it."""
    if settings.database_url:
        return settings.database_url, None
    embedded = EmbeddedPostgres(settings.embedded_data_dir)
    url = await asyncio.to_thread(embedded.start)
    await asyncio.to_thread(migrate.upgrade, url)
    return url, embedded


def create_app(settings: Settings | None = None, *, engine: AsyncEngine | None = None) -> FastAPI:
    """Build the application; `engine` lets tests and tools bring their own database."""
    settings = settings or get_settings()
    secret.configured_key(settings)  # InsecureSecret: refuse to start with a guessable key
    proxies.trusted_networks(settings.trusted_proxies)  # InvalidProxySetting when malformed
    sso_config.check(settings)  # InvalidSsoSetting: a role mapping that cannot apply

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Worker threads (reading an import, validating a GraphQL document) hand the
        # interpreter back to the event loop within 1 ms instead of CPython's 5 ms, the
        # longest the loop waits for each turn (event-loop lag during a 200,000-row import,
        # measured: max 402 ms at 5 ms, 241 ms at 1 ms).
        sys.setswitchinterval(SWITCH_INTERVAL)
        embedded = None
        own_engine = engine
        if own_engine is None:
            url, embedded = await resolve_database_url(settings)
            own_engine = make_engine(url, settings)
        app.state.engine = own_engine
        app.state.sessionmaker = make_sessionmaker(own_engine)
        async with app.state.sessionmaker() as session, session.begin():
            await secret.load_into(app.state, session)  # every process shares the stored key
        counted = metrics.webhook_outcome(getattr(app.state, "metrics", None))
        deliveries = webhook_worker.in_background(app.state.sessionmaker, settings, counted)
        # The compiled lane's connections: only when the app owns its engine (a caller's
        # engine may hold data its own transaction has not committed).
        reads = make_read_pool(own_engine.url, settings) if engine is None else None
        try:
            if reads is not None:
                await reads.open()
                app.state.read_pool = reads
            hold = settings.credential_cache_seconds
            async with credential_cache.listening(own_engine, hold) as credentials:
                app.state.credential_cache = credentials
                yield
        finally:
            if reads is not None:
                await reads.close()
            if deliveries is not None:
                await deliveries.stop()
            if engine is None:
                await own_engine.dispose()
            if embedded is not None:
                await asyncio.to_thread(embedded.stop)

    app = FastAPI(
        title="cdo-portfolio",
        summary="Digital initiatives, shared KPIs and the client-facing/internal balance.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    if engine is not None:
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
    problems.install(app)
    planner = Planner(core_schema(graphql_schema))
    app.add_middleware(CompiledLane, planner=planner)  # innermost: inside the body limit
    app.add_middleware(RequestGuardMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(LocaleMiddleware)  # outside the guard: its refusals are translated too
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestLogMiddleware)
    traces.install(app, settings)  # OTEL_EXPORTER_OTLP_ENDPOINT set: traces
    metrics_router.install(app)  # outermost: times the whole request
    app.include_router(api.health_router)
    app.include_router(api_docs.router)
    app.include_router(api.public_router)
    app.include_router(
        graphql_router(planner), prefix="/graphql", responses=problems.AUTHENTICATION_RESPONSES
    )
    app.include_router(api.router)
    app.include_router(api.own_router)
    pages.install(app)
    return app
