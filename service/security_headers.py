"""Security headers on every response: a same-origin Content-Security-Policy for pages,
a deny-all one for everything else, and the headers browsers need to keep the app
out of frames, sniffing and other sites' logs.

HTML is recognised by the response's content type, so an error page gets the page
policy and a problem+json the API one, whatever route answered.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages load scripts, styles, fonts and images from the app only; the bundled fonts and
# icons of the API consoles are data: URLs. No inline script or style anywhere.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self';"
    " form-action 'self'; frame-ancestors 'none'"
)
# JSON, CSV, files: nothing in them may run or be framed, even if opened as a document.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"

COMMON: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)
_OWN = {
    b"content-security-policy",
    b"strict-transport-security",
    *(name for name, _ in COMMON),
}


def headers_for(content_type: str, scheme: str) -> list[tuple[bytes, bytes]]:
    """The security headers of a response of `content_type` served over `scheme`."""
    is_page = content_type.split(";", 1)[0].strip().lower() == "text/html"
    policy = PAGE_CSP if is_page else API_CSP
    headers = [*COMMON, (b"content-security-policy", policy.encode())]
    if scheme == "https":
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers


class SecurityHeadersMiddleware:
    """Add the security headers to every HTTP response (replacing any a handler set)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OWN]
                content_type = next(
                    (v.decode("latin-1") for k, v in given if k.lower() == b"content-type"), ""
                )
                # Read when the response starts: a proxy-headers layer anywhere in the
                # stack has set the scheme by then (only for trusted proxies).
                scheme = scope.get("scheme", "http")
                message["headers"] = [*given, *headers_for(content_type, scheme)]
            await send(message)

        await self.app(scope, receive, send_with_headers)
