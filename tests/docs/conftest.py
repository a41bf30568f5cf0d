"""A served demo instance (`cdo-portfolio serve --demo`, restarted once) for the examples."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.dbutil import scratch_database
from tests.docs.blocks import REPO
from tests.ops.serving import serving

SERVE = [sys.executable, "-m", "service.cli", "serve", "--demo"]
CDO = "samuel.okafor@northbridge-home.example"


@dataclass
class Demo:
    """The served demo: its address, the environment its command line needs, its logins."""

    base: str
    env: dict[str, str]
    # (email, role, department, token or password) of each printed demo login
    logins: list[tuple[str, str, str, str]]
    # the BI token each `serve --demo` printed, in start order
    bi_tokens: list[str]
    _tokens: dict[str, str] = field(default_factory=dict)

    @property
    def bi_token(self) -> str:
        return self.bi_tokens[-1]

    def email(self, role: str, department: str = "") -> str:
        return next(e for e, r, d, _ in self.logins if (r, d) == (role, department))

    def token(self, email: str) -> str:
        """An API token of `email`, made with `cdo-portfolio create-token` (once per email)."""
        if email not in self._tokens:
            made = subprocess.run(
                [sys.executable, "-m", "service.cli", "create-token", email, "--name", "docs"],
                env=self.env,
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert made.returncode == 0, made.stderr
            self._tokens[email] = made.stdout.strip()
        return self._tokens[email]


_LOGIN = re.compile(r"^│ (\S+@\S+)\s+│ (\w+)\s+│ ([\w-]*)\s+│[^│]*│ (\S+)\s+│$", re.MULTILINE)


def _logins(log: Path) -> list[tuple[str, str, str, str]]:
    found = [tuple(m) for m in _LOGIN.findall(log.read_text())]
    assert found, log.read_text()
    return found  # type: ignore[return-value]


@pytest.fixture(scope="session")
def demo(database_url: str) -> Iterator[Demo]:
    """The demo company served on a fresh database, after one restart (as an operator would
    see it the next day); removed with its database at the end of the session."""
    folder = Path(tempfile.mkdtemp(prefix="cdo-docs-"))
    try:
        yield from _served(database_url, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _served(database_url: str, folder: Path) -> Iterator[Demo]:
    with scratch_database(database_url, "docs") as url:
        env = {
            "DATABASE_URL": url,
            "PATH": f"{REPO / '.venv' / 'bin'}:{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": os.environ.get("HOME", str(folder)),
            "LOG_FORMAT": "json",
        }
        bi_tokens = []
        with serving(SERVE, env, folder):
            first = _logins(folder / "serve.log")
            bi_tokens.append(next(t for _, role, _, t in first if role == "bi_reader"))
        with serving(SERVE, env, folder) as base:
            logins = _logins(folder / "serve.log")
            bi_tokens.append(next(t for _, role, _, t in logins if role == "bi_reader"))
            yield Demo(base, env, logins, bi_tokens)
