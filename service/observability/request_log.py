"""The request line: one log line per HTTP request with request id, actor, method, route
template, status, duration and the number of SQL statements it ran."""

import logging
import time

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.observability import logs
from service.observability.metrics import route_label

_request_log = structlog.wrap_logger(
    logging.getLogger("cdo_portfolio.request"),
    # No level filter here: `_write` asks the logger first and builds nothing when off.
    processors=[
        *logs.SHARED,
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    wrapper_class=structlog.stdlib.BoundLogger,
)


class RequestLogMiddleware:
    """Write one log line per HTTP request; a failure's line carries its stack."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        logs.count_sql_statements()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = logs.RequestRecord()
        token = logs.current.set(record)
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except Exception:
            _write(scope, record, status, started, failed=True)
            raise
        else:
            _write(scope, record, status, started, failed=False)
        finally:
            logs.current.reset(token)


def _write(
    scope: Scope, record: logs.RequestRecord, status: int, started: float, failed: bool
) -> None:
    if not _request_log.isEnabledFor(logging.INFO):
        return
    fields = {
        "request_id": scope.get("state", {}).get("request_id"),
        "actor_id": record.actor_id,
        "role": record.role,
        "method": scope["method"],
        "route": route_label(scope),
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        "sql_statements": record.sql_statements,
    }
    if logs.trace_ids is not None and (ids := logs.trace_ids()) is not None:
        fields["trace_id"], fields["span_id"] = ids
    if failed:
        _request_log.error("request failed", exc_info=True, **fields)
    elif status >= 500:
        _request_log.error("request", **fields)
    else:
        _request_log.info("request", **fields)
