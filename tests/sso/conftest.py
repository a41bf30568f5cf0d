"""Single sign-on tests: a real OpenID provider (npm `oidc-provider` under node, started
once per test session from tests/sso/provider/) and the app configured to use it.

Without node these tests skip locally and fail in CI (CI=true), where .ci/run installs
node and the provider's packages (`npm ci`); a checkout whose node_modules is missing
installs them on first use.
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from service.config import Settings

PROVIDER_DIR = Path(__file__).parent / "provider"
USERS: dict[str, dict[str, Any]] = json.loads((PROVIDER_DIR / "users.json").read_text())
CLIENT_ID = "cdo-portfolio"
CLIENT_SECRET = "sso-test-client-secret-7f3a9c"
ASGI_CALLBACK = "http://test/auth/oidc/callback"
ROLE_MAP = {"cdo-office": "cdo_office", "hr-heads": "department_head:hr"}
START_TIMEOUT = 60.0  # seconds for node to print its address


@dataclass(frozen=True)
class OpenIdProvider:
    """The running provider: its issuer address and the app's live callback port."""

    issuer: str
    live_socket: socket.socket

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def live_url(self) -> str:
        return f"http://127.0.0.1:{self.live_socket.getsockname()[1]}"


def sso_settings(provider: OpenIdProvider, **changes: Any) -> Settings:
    """Settings of an app signing in through `provider` (CDO office and HR heads mapped)."""
    values: dict[str, Any] = {
        "database_url": None,
        "oidc_discovery_url": provider.discovery_url,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": CLIENT_SECRET,
        "oidc_provider_name": "Example ID",
        "oidc_role_map": json.dumps(ROLE_MAP),
    }
    return Settings(**(values | changes))


def _node() -> str:
    found = shutil.which("node")
    if found is None or shutil.which("npm") is None:
        message = "node and npm not found (Debian packages `nodejs` and `npm`)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " CI must install them (.ci/run does).")
        pytest.skip(message)
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=PROVIDER_DIR,
            check=True,
            timeout=300,
        )
    return found


def _read_issuer(process: subprocess.Popen[str]) -> str:
    found: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("listening "):
                found.append(line.split()[1])
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(START_TIMEOUT)
    if not found:
        process.kill()
        raise RuntimeError("the OpenID provider did not start (tests/sso/provider)")
    return found[0]


@pytest.fixture(scope="session")
def openid_provider() -> Iterator[OpenIdProvider]:
    """The provider, its client registered for the ASGI and the live app's callbacks."""
    node = _node()
    live = socket.socket()
    live.bind(("127.0.0.1", 0))
    live_callback = f"http://127.0.0.1:{live.getsockname()[1]}/auth/oidc/callback"
    env = os.environ | {
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URIS": f"{ASGI_CALLBACK},{live_callback}",
    }
    process = subprocess.Popen(
        [node, "provider.mjs"],
        cwd=PROVIDER_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        yield OpenIdProvider(_read_issuer(process), live)
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        if process.poll() is None:
            process.kill()
        live.close()


@pytest.fixture
def settings(openid_provider: OpenIdProvider) -> Settings:
    """The app of these tests signs in through the provider (overrides tests/conftest.py)."""
    return sso_settings(openid_provider)
