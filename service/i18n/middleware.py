"""Every HTTP request starts in the language its browser prefers (`Accept-Language`).

Signing in may switch it to the account's preference (service/auth/authenticate.py); the
response says which it got in `Content-Language`.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import i18n


class LocaleMiddleware:
    """Activate the negotiated locale and name it in `Content-Language`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = dict(scope.get("headers") or []).get(b"accept-language")
        i18n.activate(i18n.negotiate(header.decode("latin-1") if header else None))

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                language = (b"content-language", i18n.current().encode())
                message["headers"] = [*message.get("headers", []), language]
            await send(message)

        await self.app(scope, receive, send_with_language)
