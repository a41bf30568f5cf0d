"""Pages: sign-in, sign-out, and what happens without a valid session."""

import re
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from service.auth import proxies, sessions
from tests.auth.helpers import signed_in
from tests.factories import make_account
from tests.pages.conftest import Browser, SignIn


def _login_csrf(page: httpx.Response) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


async def _open_form(anon: httpx.AsyncClient, url: str = "/login") -> str:
    form = await anon.get(url)
    assert form.status_code == 200
    return _login_csrf(form)


async def test_login_form_has_labelled_fields(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/login?next=/kpis")
    assert response.status_code == 200
    assert '<label for="f-email">Email' in response.text
    assert '<label for="f-password">Password' in response.text
    assert 'name="next" value="/kpis"' in response.text
    assert "cdo_login" in response.headers["set-cookie"]


async def test_sign_in_sets_the_session_and_goes_to_next(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_account(session, "viewer", email="reader@example.com", with_password=True)
    csrf = await _open_form(anon)
    data = {
        "email": "Reader@example.com",
        "password": "correct-horse-1",
        "next": "/kpis",
        "csrf_token": csrf,
    }
    response = await anon.post("/login", data=data)
    assert response.status_code == 303
    assert response.headers["location"] == "/kpis"
    assert anon.cookies.get(sessions.SESSION_COOKIE)
    assert (await anon.get("/kpis")).status_code == 200


async def test_wrong_password_is_said_on_the_form(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_account(session, "viewer", email="reader@example.com", with_password=True)
    csrf = await _open_form(anon)
    data = {"email": "reader@example.com", "password": "nope", "csrf_token": csrf}
    response = await anon.post("/login", data=data)
    assert response.status_code == 422
    assert "Wrong email or password." in response.text
    assert 'value="reader@example.com"' in response.text
    assert sessions.SESSION_COOKIE not in anon.cookies


async def test_empty_fields_are_errors_next_to_them(anon: httpx.AsyncClient) -> None:
    csrf = await _open_form(anon)
    response = await anon.post("/login", data={"email": "", "password": "", "csrf_token": csrf})
    assert response.status_code == 422
    assert '<p class="error" id="e-email">Enter your email.</p>' in response.text
    assert '<p class="error" id="e-password">Enter your password.</p>' in response.text


async def test_sign_in_without_the_form_token_is_refused(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_account(session, "viewer", email="reader@example.com", with_password=True)
    data = {"email": "reader@example.com", "password": "correct-horse-1", "csrf_token": "forged"}
    response = await anon.post("/login", data=data)
    assert response.status_code == 422
    assert "The sign-in form expired" in response.text
    assert sessions.SESSION_COOKIE not in anon.cookies


async def test_five_failures_pause_the_sign_in(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_account(session, "viewer", email="reader@example.com", with_password=True)
    csrf = await _open_form(anon)
    data = {"email": "reader@example.com", "password": "nope", "csrf_token": csrf}
    for _ in range(5):
        assert (await anon.post("/login", data=data)).status_code == 422
    response = await anon.post("/login", data=data | {"password": "correct-horse-1"})
    assert (response.status_code, response.headers["retry-after"]) == (429, "1")
    assert "Too many failed sign-ins; try again in 1 second." in response.text


async def test_next_never_leaves_the_site(anon: httpx.AsyncClient, session: AsyncSession) -> None:
    await make_account(session, "viewer", email="reader@example.com", with_password=True)
    csrf = await _open_form(anon)
    data = {"email": "reader@example.com", "password": "correct-horse-1", "csrf_token": csrf}
    response = await anon.post("/login", data=data | {"next": "//evil.example/x"})
    assert response.headers["location"] == "/"


async def test_pages_redirect_to_sign_in_without_a_session(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/initiatives?department=3")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/initiatives%3Fdepartment%3D3"


async def test_a_forged_session_redirects_to_sign_in(anon: httpx.AsyncClient) -> None:
    anon.cookies.set(sessions.SESSION_COOKIE, "forged.value")
    response = await anon.get("/")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/"


async def test_a_disabled_account_is_signed_out(
    anon: httpx.AsyncClient, session: AsyncSession, secured_app: Any
) -> None:
    account = await make_account(session, "viewer", is_disabled=True)
    cookie, _ = await signed_in(session, secured_app, account.id)
    anon.cookies.set(sessions.SESSION_COOKIE, cookie)
    response = await anon.get("/kpis")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_bi_reader_accounts_get_a_403_page(
    anon: httpx.AsyncClient, session: AsyncSession, secured_app: Any
) -> None:
    account = await make_account(session, "bi_reader")
    cookie, _ = await signed_in(session, secured_app, account.id)
    anon.cookies.set(sessions.SESSION_COOKIE, cookie)
    response = await anon.get("/")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "You cannot do this" in response.text


async def test_sign_out_clears_the_session(viewer: Browser) -> None:
    response = await viewer.post("/logout")
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    cleared = [c for c in response.headers.get_list("set-cookie") if c.startswith("cdo_session=")]
    assert len(cleared) == 1 and "Max-Age=0" in cleared[0]
    page = await viewer.http.get("/login")
    assert "You are signed out." in page.text


async def test_sign_out_needs_the_form_token(viewer: Browser) -> None:
    response = await viewer.http.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert viewer.http.cookies.get(sessions.SESSION_COOKIE)


async def test_a_signed_out_cookie_no_longer_opens_pages(viewer: Browser) -> None:
    cookie = viewer.http.cookies[sessions.SESSION_COOKIE]
    assert (await viewer.post("/logout")).status_code == 303
    viewer.http.cookies.set(sessions.SESSION_COOKIE, cookie)  # kept, e.g. by a thief
    response = await viewer.get("/kpis")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/kpis"


async def test_sign_out_everywhere_ends_every_browser(
    sign_in: SignIn, secured_app: Any, session: AsyncSession
) -> None:
    here = await sign_in("viewer")
    cookie, _ = await signed_in(session, secured_app, here.account.id)
    elsewhere = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=secured_app), base_url="http://test"
    )
    elsewhere.cookies.set(sessions.SESSION_COOKIE, cookie)
    async with elsewhere:
        assert (await elsewhere.get("/kpis")).status_code == 200
        tokens_page = await here.get("/tokens")
        assert 'action="/logout/everywhere"' in tokens_page.text
        response = await here.post("/logout/everywhere")
        assert (response.status_code, response.headers["location"]) == (303, "/login")
        assert (await elsewhere.get("/kpis")).headers["location"] == "/login?next=/kpis"
        assert (await here.get("/kpis")).headers["location"] == "/login?next=/kpis"


async def _sign_in_through(
    app: Any, session: AsyncSession, headers: dict[str, str]
) -> httpx.Response:
    await make_account(session, "viewer", email="reader@example.com", with_password=True)
    transport = httpx.ASGITransport(app=app, client=("10.0.0.2", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        csrf = await _open_form(http)
        data = {"email": "reader@example.com", "password": "correct-horse-1", "csrf_token": csrf}
        return await http.post("/login", data=data, headers=headers)


async def test_the_cookie_is_secure_behind_a_trusted_https_proxy(
    secured_app: Any, session: AsyncSession
) -> None:
    secured_app.state.settings.trusted_proxies = "10.0.0.0/8"
    options = proxies.uvicorn_options(secured_app.state.settings.trusted_proxies)
    app = ProxyHeadersMiddleware(secured_app, trusted_hosts=options["forwarded_allow_ips"])
    response = await _sign_in_through(app, session, {"X-Forwarded-Proto": "https"})
    assert response.status_code == 303
    cookie = next(c for c in response.headers.get_list("set-cookie") if "cdo_session=" in c)
    assert "Secure" in cookie


async def test_an_untrusted_peer_cannot_claim_https(
    secured_app: Any, session: AsyncSession
) -> None:
    options = proxies.uvicorn_options(secured_app.state.settings.trusted_proxies)
    assert options == {"proxy_headers": False, "forwarded_allow_ips": []}
    app = ProxyHeadersMiddleware(secured_app, trusted_hosts=options["forwarded_allow_ips"])
    response = await _sign_in_through(app, session, {"X-Forwarded-Proto": "https"})
    cookie = next(c for c in response.headers.get_list("set-cookie") if "cdo_session=" in c)
    assert "Secure" not in cookie
