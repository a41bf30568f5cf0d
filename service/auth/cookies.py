"""The session cookie on a response: how every surface sets and clears it."""

from starlette.requests import HTTPConnection
from starlette.responses import Response

from service.auth import sessions


def set_session_cookie(response: Response, request: HTTPConnection, value: str) -> None:
    """Send the session cookie: HttpOnly, SameSite=Lax, Secure when the request came over
    HTTPS (as uvicorn reports it, trusting X-Forwarded-Proto only from TRUSTED_PROXIES)."""
    response.set_cookie(
        sessions.SESSION_COOKIE,
        value,
        max_age=sessions.max_age(request.app.state.settings),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def clear_session_cookie(response: Response) -> None:
    """Tell the browser to forget the session cookie."""
    response.delete_cookie(sessions.SESSION_COOKIE, httponly=True, samesite="lax")
