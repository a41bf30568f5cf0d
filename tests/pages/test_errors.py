"""Pages: error pages for browsers; REST errors stay problem+json; static files."""

import gzip

import httpx
from fastapi import FastAPI

from service.pages import views
from service.pages.static_files import PLOTLY_URL
from tests.pages.conftest import Browser, World


async def test_unknown_page_is_an_html_404_for_browsers(viewer: Browser) -> None:
    response = await viewer.get("/no-such-page", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Page not found" in response.text
    assert '<a class="button" href="/">Go to the dashboard</a>' in response.text


async def test_api_errors_stay_problem_json(viewer: Browser) -> None:
    response = await viewer.get("/api/v1/initiatives/987654", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    unknown = await viewer.get("/no-such-page")
    assert unknown.headers["content-type"] == "application/problem+json"


async def test_an_unexpected_error_is_a_500_page_without_a_trace(
    viewer: Browser, world: World, monkeypatch: object
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views.org, "org_tree", broken)  # type: ignore[attr-defined]
    response = await viewer.get("/org")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text


async def test_forms_without_csrf_are_refused(viewer: Browser, world: World) -> None:
    response = await viewer.http.post("/tokens", data={"name": "x", "expires_in": ""})
    assert response.status_code == 403
    assert "This form has expired or did not come from this site." in response.text


async def test_pages_send_security_headers(viewer: Browser, world: World) -> None:
    response = await viewer.get("/")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


async def test_plotly_is_served_by_the_app_gzipped_and_cached(anon: httpx.AsyncClient) -> None:
    url = PLOTLY_URL
    packed = await anon.get(url, headers={"accept-encoding": "gzip"})
    assert packed.status_code == 200
    assert packed.headers["content-type"].startswith("text/javascript")
    assert packed.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert packed.headers["content-encoding"] == "gzip"
    assert b"plotly.js" in packed.content[:500]  # httpx decodes the gzip
    plain = await anon.get(url, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert 1_000_000 < len(plain.content) < 1_500_000  # the basic bundle, not the full one
    assert len(gzip.compress(plain.content)) < len(plain.content)


async def test_css_and_script_are_served(anon: httpx.AsyncClient) -> None:
    for path, kind in (("/static/app.css", "text/css"), ("/static/app.js", "javascript")):
        response = await anon.get(path)
        assert response.status_code == 200
        assert kind in response.headers["content-type"]


async def test_pages_are_not_in_the_openapi(secured_app: FastAPI) -> None:
    paths = secured_app.openapi()["paths"]
    assert not any(
        not path.startswith(("/api/", "/graphql", "/healthz", "/readyz")) for path in paths
    )
