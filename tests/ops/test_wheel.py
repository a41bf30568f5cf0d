"""The wheel carries the pages: installed in a fresh virtualenv, away from the checkout, a
person signs in through the sign-in page."""

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dbutil import scratch_database
from tests.ops.serving import serving, sign_in

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "service", "schema", "migrations", "frontend_templates")
PASSWORD = "wheel-installed-passphrase"


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    made = Path(tempfile.mkdtemp(prefix="cdo-wheel-"))
    try:
        yield made
    finally:
        shutil.rmtree(made, ignore_errors=True)


def _build_wheel(folder: Path) -> Path:
    """Build the wheel from a copy of the sources (the build leaves files where it runs)."""
    source = folder / "src"
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
            shutil.copytree(REPO / name, source / name, ignore=ignore)
        else:
            shutil.copy2(REPO / name, source / name)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(folder)]
    # Build with the setuptools at hand when it can; else pip fetches the declared one.
    if importlib.util.find_spec("wheel") and importlib.util.find_spec("setuptools"):
        command.append("--no-build-isolation")
    subprocess.run([*command, str(source)], check=True, timeout=600)
    (wheel,) = folder.glob("cdo_portfolio-*.whl")
    return wheel


def _fresh_venv(folder: Path, wheel: Path) -> Path:
    """A virtualenv holding the wheel; its dependencies come from this environment's
    site-packages (a .pth line), which does not run this checkout's editable finder."""
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "-q", str(wheel)], check=True)
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def test_the_installed_wheel_serves_the_sign_in_page(database_url: str, folder: Path) -> None:
    venv = _fresh_venv(folder, _build_wheel(folder))
    where = subprocess.run(
        [
            venv / "bin" / "python",
            "-c",
            "import frontend_templates, service; "
            "print(*frontend_templates.__path__, *service.__path__)",
        ],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert all(path.startswith(str(venv)) for path in where), where
    with scratch_database(database_url, "wheel") as url:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TEST_DATABASE_URL")}
        env["DATABASE_URL"] = url
        cli = str(venv / "bin" / "cdo-portfolio")
        created = subprocess.run(
            [
                cli,
                "create-account",
                "owner@example.com",
                "--role",
                "cdo_office",
                "--password-stdin",
            ],
            input=f"{PASSWORD}\n",
            env=env,
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert created.returncode == 0, created.stderr
        with (
            serving([cli, "serve"], env, folder) as base,
            sign_in(base, "owner@example.com", PASSWORD) as browser,
        ):
            dashboard = browser.get("/")
            assert dashboard.status_code == 200
            assert "<title>" in dashboard.text and "Dashboard" in dashboard.text
            assert browser.get("/static/app.css").status_code == 200
