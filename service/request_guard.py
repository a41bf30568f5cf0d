"""Bounded request bodies, and text a handler can always decode and store.

A pure ASGI middleware in front of every surface (REST, GraphQL, pages):

- a body over MAX_BODY_BYTES answers 413, counted while it arrives (a Content-Length
  that says less is not believed); the import upload has its own limit and is exempt;
- a JSON or form body, or a query string, that is not UTF-8 or holds a NUL character
  answers 422 naming the field, before any handler, query or database sees it.
"""

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schema.text import NUL_MESSAGE
from service.errors import ValidationFailed
from service.i18n import N_
from service.i18n import gettext as _
from service.problems import problem

# The spreadsheet upload (REST and page): bounded by IMPORT_MAX_BYTES instead.
UPLOAD_PATHS = frozenset({"/api/v1/import", "/transfer"})
UTF8_MESSAGE = "must be valid UTF-8 text"
# The refusals as said in the request's language.
REASONS = {
    UTF8_MESSAGE: N_("must be valid UTF-8 text"),
    NUL_MESSAGE: N_("must not contain NUL characters"),
}


class TextRefused(Exception):
    """A field whose text cannot be accepted."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _decode(raw: bytes, field: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TextRefused(field, UTF8_MESSAGE) from None
    if "\x00" in text:
        raise TextRefused(field, NUL_MESSAGE)
    return text


def check_urlencoded(raw: bytes) -> None:
    """Refuse a query string or form body whose names or values are not storable text."""
    if raw.isascii() and b"%" not in raw and b"\x00" not in raw:
        return
    for pair in raw.split(b"&"):
        raw_name, _, raw_value = pair.partition(b"=")
        name_bytes = unquote_to_bytes(raw_name.replace(b"+", b" "))
        name = _decode(name_bytes, name_bytes.decode("utf-8", "replace") or "name")
        _decode(unquote_to_bytes(raw_value.replace(b"+", b" ")), name)


def _strings(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """(dotted path, text) of every key and string in a decoded JSON document."""
    if isinstance(value, str):
        yield ".".join(path) or "body", value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield ".".join((*path, key)), key
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, str(index)))


def _json_field(text: str, bad: Callable[[str], bool]) -> str | None:
    """The path of the first string `bad` holds for, if `text` is JSON at all."""
    try:
        document = json.loads(text)
    except ValueError:
        return None
    return next((path for path, item in _strings(document) if bad(item)), None)


# Where `surrogateescape` decoding put the bytes that are not UTF-8.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


def _surrogate(text: str) -> bool:
    return _UNDECODABLE.search(text) is not None


def check_json(raw: bytes) -> None:
    """Refuse a JSON body that is not UTF-8, or whose strings hold a NUL character."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        field = _json_field(raw.decode("utf-8", "surrogateescape"), _surrogate)
        raise TextRefused(field or "body", UTF8_MESSAGE) from None
    # Raw control characters are not JSON; a NUL can only come as the \u0000 escape.
    if "\\u0000" in text:
        field = _json_field(text, lambda item: "\x00" in item)
        if field is not None:
            raise TextRefused(field, NUL_MESSAGE)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _check_body(scope: Scope, body: bytes) -> None:
    content_type = (_header(scope, b"content-type") or "").lower()
    if "json" in content_type:
        check_json(body)
    elif content_type.startswith("application/x-www-form-urlencoded"):
        check_urlencoded(body)


class RequestGuardMiddleware:
    """413 for a body over `max_bytes`; 422 for undecodable or NUL text in a request."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            check_urlencoded(scope.get("query_string") or b"")
        except TextRefused as refused:
            await _refuse_text(scope, receive, send, refused)
            return
        has_body = _header(scope, b"content-length") not in (None, "0") or _header(
            scope, b"transfer-encoding"
        )
        if scope["path"] in UPLOAD_PATHS or not has_body:
            await self.app(scope, receive, send)
            return
        await self._bounded(scope, receive, send)

    async def _bounded(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            _check_body(scope, body)
        except TextRefused as refused:
            await _refuse_text(scope, receive, send, refused)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413,
            "body_too_large",
            _("Request body too large"),
            _("The request body is over the limit of %(limit)s bytes (MAX_BODY_BYTES).")
            % {"limit": self.max_bytes},
            scope["path"],
            limit=self.max_bytes,
        )
        await response(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read already, then whatever the server sends next (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _refuse_text(scope: Scope, receive: Receive, send: Send, refused: TextRefused) -> None:
    reason = _(REASONS.get(refused.message, refused.message))
    response = problem(
        422,
        "validation_error",
        _(ValidationFailed.title),
        _("%(field)s: %(reason)s") % {"field": refused.field, "reason": reason},
        scope["path"],
        field=refused.field,
        errors=[{"field": refused.field, "message": reason}],
    )
    await response(scope, receive, send)
