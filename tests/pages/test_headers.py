"""Security headers on every kind of response, and API consoles served by the app itself."""

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.pages.render import STATIC_DIR
from service.pages.static_files import PLOTLY_JS
from tests.pages.conftest import Browser, World

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self';"
    " form-action 'self'; frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"
TEMPLATES = Path(__file__).resolve().parents[2] / "frontend_templates"


def assert_headers(response: httpx.Response, csp: str) -> None:
    assert response.headers.get_list("content-security-policy") == [csp]
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]
    assert response.headers.get_list("referrer-policy") == ["same-origin"]
    assert response.headers.get_list("x-frame-options") == ["DENY"]


@pytest.fixture
async def https(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app reached over HTTPS."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://test") as http:
        yield http


async def test_a_page_allows_only_its_own_origin(cdo: Browser, world: World) -> None:
    response = await cdo.get("/")
    assert response.status_code == 200
    assert_headers(response, PAGE_CSP)
    assert "strict-transport-security" not in response.headers
    assert response.headers["cache-control"] == "no-store"


async def test_an_api_response_allows_nothing(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get("/api/v1/departments")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert_headers(response, API_CSP)


async def test_a_404_and_a_problem_carry_the_api_policy(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/v1/initiatives/987654")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert_headers(missing, API_CSP)
    invalid = await client.post("/api/v1/departments", json={"code": ""})
    assert invalid.status_code == 422
    assert invalid.headers["content-type"] == "application/problem+json"
    assert_headers(invalid, API_CSP)


async def test_the_404_page_of_a_browser_carries_the_page_policy(viewer: Browser) -> None:
    response = await viewer.get("/no-such-page", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert_headers(response, PAGE_CSP)


async def test_hsts_only_over_https(https: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    secure = await https.get("/healthz")
    assert secure.headers.get_list("strict-transport-security") == [HSTS]
    assert_headers(secure, API_CSP)
    plain = await client.get("/healthz")
    assert "strict-transport-security" not in plain.headers


async def test_the_static_files_are_not_sniffed(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/app.js?v=4")
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"


def _same_origin_assets(html: str) -> list[str]:
    """Every script and stylesheet the page loads; fails on one from another host."""
    urls = re.findall(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"', html)
    assert not [u for u in urls if re.match(r"(?:[a-z]+:)?//", u)], urls
    assert "<script>" not in html and " style=" not in html
    return urls


async def _assert_served(client: httpx.AsyncClient, urls: list[str]) -> None:
    for url in urls:
        response = await client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].split(";")[0] in {
            "text/javascript",
            "text/css",
            "image/svg+xml",
        }, url


async def test_swagger_ui_is_served_by_the_app(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/docs")
    assert response.status_code == 200
    assert "<title>cdo-portfolio - Swagger UI</title>" in response.text
    assert 'data-openapi-url="/openapi.json"' in response.text
    assert_headers(response, PAGE_CSP)
    urls = _same_origin_assets(response.text)
    assert "/static/vendor/swagger_ui/swagger-ui-bundle.js" in urls
    assert "/static/api-docs.js" in urls
    await _assert_served(anon, urls)
    assert (await anon.get("/openapi.json")).status_code == 200
    assert (await anon.get("/redoc")).status_code == 404


async def test_graphiql_is_served_by_the_app(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "<title>GraphiQL · CDO portfolio</title>" in response.text
    assert_headers(response, PAGE_CSP)
    urls = _same_origin_assets(response.text)
    assert "/static/vendor/graphiql/graphiql.min.js" in urls
    assert "/static/graphiql-ide.js" in urls
    await _assert_served(client, urls)


def test_templates_hold_no_inline_script_style_or_handler() -> None:
    inline = re.compile(
        r"""<script(?![^>]*\b(?:src=|type="application/json"))[^>]*>|<style\b|\sstyle=|\son[a-z]+="""
    )
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in inline.finditer(path.read_text())
    ]
    assert found == []


def test_the_plotly_styles_match_the_served_bundle() -> None:
    """plotly.js skips its run-time style elements only for the ids the pages provide."""
    bundle = PLOTLY_JS.read_text()
    macros = (TEMPLATES / "_macros.html").read_text()
    marker = re.search(
        r'<meta name="plotly-map-styles" content="none" id="([0-9a-f]{64})">', macros
    )
    assert marker is not None
    assert f'document.getElementById("{marker.group(1)}")' in bundle
    assert 'id="plotly.js-style-global" class="no-inline-styles"' in macros
    assert 'matches(".no-inline-styles")' in bundle
    css = (STATIC_DIR / "vendor" / "plotly" / "plotly.css").read_text()
    bodies = re.findall(r"\{([^}]*)\}", css)
    assert len(bodies) == 66
    assert [body for body in bodies if body not in bundle] == []
