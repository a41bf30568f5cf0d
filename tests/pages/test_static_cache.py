"""The pages' static files: compressed for browsers that accept it, cached by version."""

import hashlib

import httpx

from service.pages.static_files import STATIC_DIR, static_url
from tests.pages.conftest import Browser


async def test_a_versioned_stylesheet_is_gzipped_and_cached_for_a_year(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(static_url("app.css"), headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["content-type"].startswith("text/css")
    # httpx decodes the body: what the browser gets is the file as is.
    assert response.content == (STATIC_DIR / "app.css").read_bytes()
    plain = await client.get(static_url("app.css"), headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == response.content


async def test_an_unversioned_file_is_checked_before_each_use(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/app.js")
    assert response.headers["cache-control"] == "no-cache"
    again = await client.get("/static/app.js", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


async def test_pages_name_each_file_by_the_digest_of_its_content(cdo: Browser) -> None:
    page = (await cdo.get("/")).text
    for name in ("app.css", "app.js", "picker.js", "nojs.css"):
        digest = hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]
        assert f'"/static/{name}?v={digest}"' in page
