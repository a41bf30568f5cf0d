"""Probes: /healthz and /readyz."""

import importlib.util
import tempfile
from pathlib import Path

import httpx
import jinja2
import pytest

from service.pages import render


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_when_migrated(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ready"})


async def test_readyz_fails_when_templates_cannot_load(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As an installation without the `frontend_templates` package: no folder to load from.
    monkeypatch.setattr(render.templates.env, "loader", jinja2.FileSystemLoader([]))
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank#pages_unavailable",
        "title": "Pages cannot render",
        "status": 503,
        "detail": "the template base.html is not installed (package frontend_templates)",
        "code": "pages_unavailable",
        "instance": "/readyz",
    }


async def test_readyz_fails_when_static_files_are_missing(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    with tempfile.TemporaryDirectory(prefix="cdo-static-") as empty:
        monkeypatch.setattr(render, "STATIC_DIR", Path(empty))
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["detail"] == f"static files are missing from {empty}"


def test_templates_come_from_the_installed_package() -> None:
    spec = importlib.util.find_spec("frontend_templates")
    assert spec is not None and spec.submodule_search_locations is not None
    folders = [str(Path(folder)) for folder in spec.submodule_search_locations]
    assert render.template_folders() == [folders[0]]
    assert render.templates.env.get_template("auth/login.html").filename == str(
        Path(folders[0]) / "auth" / "login.html"
    )
