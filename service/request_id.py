"""A request id for every request: the caller's `X-Request-ID`, or a fresh one.

It is echoed in the response and recorded with every audit event the request writes.
"""

import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-request-id"
_ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def new_or_given(given: str | None) -> str:
    """The caller's request id when it is a short token, else a fresh one."""
    if given and _ACCEPTED.match(given):
        return given
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Put the request id in `request.state.request_id` and in the response headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(HEADER.encode())
        request_id = new_or_given(given.decode("latin-1") if given else None)
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (HEADER.encode(), request_id.encode())]
            await send(message)

        await self.app(scope, receive, send_with_id)
