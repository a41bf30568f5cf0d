"""Structured logs: one line per request (JSON or console), secrets never written.

`logging_config()` (what `serve` gives uvicorn) and `configure()` route the standard
library's logging (uvicorn, SQLAlchemy, the app) and structlog through one formatter: one
redaction step and one renderer.
While a request runs, its `RequestRecord` collects what its log line reports beyond the
ASGI scope: who it acts as and how many SQL statements it ran.
"""

import contextlib
import logging
import re
import sys
from collections.abc import Callable, MutableMapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, TextIO

import structlog
from sqlalchemy import event
from sqlalchemy.engine import Engine

from service.actor import Actor

LogFormat = Literal["json", "console"]

HANDLER_NAME = "cdo-portfolio"
REDACTED = "[redacted]"

# A key holding one of these words is never written with its value (headers, form fields,
# settings, anything a caller binds): passwords, tokens, cookies, CSRF tokens, keys.
_SENSITIVE_WORDS = (
    "password",
    "passwd",
    "secret",
    "token",
    "authorization",
    "cookie",
    "csrf",
    "api_key",
    "apikey",
    "session",
    "credential",
)
# Inside any text: the password of a URL (postgresql://user:PASSWORD@host) and the credential
# after an authentication scheme (Authorization: Bearer ...).
_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)[^@\s]+(?=@)")
_SCHEME_CREDENTIAL = re.compile(r"(?i)\b(?P<head>(?:bearer|basic|token)\s+)[A-Za-z0-9._~+/=-]{8,}")
# A query parameter named like a secret (?access_token=..., &password=...), in logged URLs.
_QUERY_SECRET = re.compile(
    r"(?i)(?P<head>[?&][^=&\s]*(?:" + "|".join(_SENSITIVE_WORDS) + r")[^=&\s]*=)[^&#\s\"']*"
)


_SENSITIVE_KEY = re.compile("|".join(_SENSITIVE_WORDS), re.IGNORECASE)


@lru_cache(maxsize=4096)
def is_sensitive(key: str) -> bool:
    """Whether a log key names a secret (its value is never written)."""
    return _SENSITIVE_KEY.search(key) is not None


def _masked(match: re.Match[str]) -> str:
    return match["head"] + REDACTED


def mask_text(text: str) -> str:
    """The text with URL passwords, secret query parameters and bearer/basic credentials
    masked."""
    # Each pattern needs its marker character: most logged values have none and pass as is.
    if "@" in text:
        text = _URL_PASSWORD.sub(_masked, text)
    if "=" in text:
        text = _QUERY_SECRET.sub(_masked, text)
    if " " in text or not text.isprintable():  # any other whitespace is unprintable
        text = _SCHEME_CREDENTIAL.sub(_masked, text)
    return text


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {
            k: REDACTED if isinstance(k, str) and is_sensitive(k) else _redact_value(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_redact_value(v) for v in value]
    return value


def redact(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> dict[str, Any]:
    """structlog processor: drop the values of secret keys, mask secrets inside text."""
    return {
        key: REDACTED if is_sensitive(key) else _redact_value(value)
        for key, value in event_dict.items()
    }


def default_format(stream: TextIO) -> LogFormat:
    """Console lines on a terminal, JSON lines otherwise (files, pipes, containers)."""
    isatty = getattr(stream, "isatty", None)
    return "console" if isatty is not None and isatty() else "json"


SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def formatter(
    log_format: LogFormat | None = None, stream: TextIO | None = None
) -> logging.Formatter:
    """The formatter of every log line, structlog's and the standard library's: JSON or
    console (unset: console when `stream`, stderr by default, is a terminal), secrets
    redacted, a failure's stack included."""
    terminal = default_format(stream or sys.stderr) == "console"
    renderer: Any = (
        structlog.dev.ConsoleRenderer(colors=terminal)
        if (log_format or ("console" if terminal else "json")) == "console"
        else structlog.processors.JSONRenderer()
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=SHARED,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact,
            renderer,
        ],
    )


# Set on an exception once a record carrying its stack has been written.
_STACK_WRITTEN = "_cdo_portfolio_stack_written"


def _exception_of(record: logging.LogRecord) -> BaseException | None:
    """The exception a record carries: the standard library's exc_info, or structlog's
    `exc_info` key (True: the one being handled)."""
    if isinstance(record.exc_info, tuple):
        return record.exc_info[1]
    given = record.msg.get("exc_info") if isinstance(record.msg, dict) else None
    if given is True:
        return sys.exc_info()[1]
    if isinstance(given, BaseException):
        return given
    if isinstance(given, tuple):
        return given[1]
    return None


class StackOnce(logging.Filter):
    """Write a failure's stack once. A 500 is seen by the request line (first, with request
    id, route and actor), then by the error handler and by uvicorn ("Exception in ASGI
    application"): records about an exception whose stack was already written are dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        failure = _exception_of(record)
        if failure is None:
            return True
        if getattr(failure, _STACK_WRITTEN, False):
            return False
        # An exception type with __slots__ takes no mark: its stack is written each time.
        with contextlib.suppress(AttributeError):
            setattr(failure, _STACK_WRITTEN, True)
        return True


# HTTP clients that log every call at INFO (webhook deliveries, sign-in): warnings only.
CHATTY_CLIENTS = ("httpx", "httpcore", "httpx2", "httpcore2")


def logging_config(log_format: LogFormat | None = None) -> dict[str, Any]:
    """uvicorn's `log_config` (a `logging.config.dictConfig`): every record to stderr
    through `formatter`, uvicorn's own included, a failure's stack once; its access log off
    (the request line replaces it)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": {"()": formatter, "log_format": log_format}},
        "filters": {"stack_once": {"()": StackOnce}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "structured",
                "filters": ["stack_once"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": "INFO"},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False},
            **{name: {"level": "WARNING"} for name in CHATTY_CLIENTS},
        },
    }


def configure(log_format: LogFormat | None = None, *, stream: TextIO | None = None) -> None:
    """Send every log record at INFO and above to `stream` (stderr) through `formatter`,
    replacing an earlier `configure`; structlog loggers go the same way."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(formatter(log_format, stream))
    handler.addFilter(StackOnce())
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name in CHATTY_CLIENTS:
        logging.getLogger(name).setLevel(logging.WARNING)


@dataclass(slots=True)
class RequestRecord:
    """What the request line reports beyond the ASGI scope, filled in while it runs."""

    sql_statements: int = 0
    actor_id: int | None = None
    role: str | None = None


current: ContextVar[RequestRecord | None] = ContextVar("request_record", default=None)

# While tracing is on (service/observability/traces.py): the trace and span ids of the
# current span as hex, or None outside a span. Unset, the request line has no trace fields.
TraceIds = Callable[[], tuple[str, str] | None]
trace_ids: TraceIds | None = None


def use_trace_ids(source: TraceIds | None) -> None:
    """Put the current trace and span ids in each request line (None: stop)."""
    global trace_ids
    trace_ids = source


def note_actor(actor: Actor) -> None:
    """Record who the current request acts as (for its log line)."""
    record = current.get()
    if record is not None:
        record.actor_id = actor.account_id
        record.role = actor.role.value


def _count_statement(*_args: Any) -> None:
    record = current.get()
    if record is not None:
        record.sql_statements += 1


def count_sql_statements() -> None:
    """Count every statement any engine sends into the current request's record."""
    if not event.contains(Engine, "before_cursor_execute", _count_statement):
        event.listen(Engine, "before_cursor_execute", _count_statement)
