"""Without OIDC_DISCOVERY_URL there is no provider button and no single sign-on route."""

import httpx
import pytest

from service.config import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url=None)


async def test_no_button_and_no_route(anon: httpx.AsyncClient) -> None:
    page = await anon.get("/login")
    assert "Sign in with" not in page.text
    assert 'name="password"' in page.text
    response = await anon.get("/auth/oidc/login")
    assert response.status_code == 404
    assert "Single sign-on is not set up here." in response.text
