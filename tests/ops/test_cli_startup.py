"""The command line starts without loading the web framework, the ORM or the data model."""

import json
import subprocess
import sys

HEAVY = ("fastapi", "sqlalchemy", "strawberry", "uvicorn", "alembic", "schema", "sqlmodel")


def test_importing_the_command_line_loads_no_heavy_module() -> None:
    probe = (
        "import sys, json, service.cli; "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(loaded) == []


def test_help_lists_every_command() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "service.cli", "--help"], check=True, capture_output=True, text=True
    ).stdout
    for command in ("serve", "migrate", "create-account", "backup", "restore"):
        assert f" {command} " in shown, shown
