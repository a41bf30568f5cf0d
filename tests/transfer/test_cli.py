"""The `import` and `export` commands, against a scratch database."""

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from service.cli import app
from service.config import get_settings
from service.transfer import export
from tests.dbutil import scratch_database
from tests.transfer.helpers import FILES, zipped


@pytest.fixture
def cli(database_url: str) -> Iterator[tuple[CliRunner, dict[str, str]]]:
    """A runner whose DATABASE_URL is an empty scratch database."""
    with scratch_database(database_url, "cli") as url:
        get_settings.cache_clear()
        yield CliRunner(), {"DATABASE_URL": url}
        get_settings.cache_clear()


def test_import_then_export(cli: tuple[CliRunner, dict[str, str]], tmp_path: Path) -> None:
    runner, env = cli
    portfolio = tmp_path / "portfolio.zip"
    portfolio.write_bytes(zipped(FILES))

    dry = runner.invoke(app, ["import", str(portfolio), "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing was written" in dry.stdout

    done = runner.invoke(app, ["import", str(portfolio)], env=env)
    assert done.exit_code == 0, done.output
    lines = [line.split() for line in done.stdout.splitlines()]
    assert ["│", "initiatives", "│", "2", "│", "0", "│", "0", "│"] in lines

    again = runner.invoke(app, ["import", str(portfolio)], env=env)
    assert ["│", "initiatives", "│", "0", "│", "0", "│", "2", "│"] in [
        line.split() for line in again.stdout.splitlines()
    ]

    workbook = tmp_path / "out.xlsx"
    exported = runner.invoke(app, ["export", str(workbook)], env=env)
    assert exported.exit_code == 0, exported.output
    assert load_workbook(workbook).sheetnames == list(export.SHEET_NAMES)

    archive = tmp_path / "out.zip"
    assert runner.invoke(app, ["export", str(archive)], env=env).exit_code == 0
    names = zipfile.ZipFile(io.BytesIO(archive.read_bytes())).namelist()
    assert names == [f"{name}.csv" for name in export.SHEET_NAMES]

    people = tmp_path / "people.csv"
    assert runner.invoke(app, ["export", str(people), "--entity", "people"], env=env).exit_code == 0
    assert people.read_bytes().decode("utf-8-sig").splitlines()[1:] == [
        "amina@example.com,Amina Benali,HR Director,hr,,true",
        "bob@example.com,Bob Stone,Developer,it,amina@example.com,true",
    ]


def test_import_with_problems_exits_1(
    cli: tuple[CliRunner, dict[str, str]], tmp_path: Path
) -> None:
    runner, env = cli
    bad = tmp_path / "departments.csv"
    bad.write_text("code,name\nhr,HR\nhr,People\n")
    result = runner.invoke(app, ["import", str(bad)], env=env | {"COLUMNS": "200"})
    assert result.exit_code == 1
    row = ["departments", "3", "code", "Duplicate department code 'hr': it is also on row 2."]
    assert f"│ {' │ '.join(row)} │" in " ".join(result.stdout.split())


def test_export_refuses_a_csv_without_entity(
    cli: tuple[CliRunner, dict[str, str]], tmp_path: Path
) -> None:
    runner, env = cli
    result = runner.invoke(app, ["export", str(tmp_path / "all.csv")], env=env)
    assert result.exit_code == 2
    assert "A CSV holds one sheet" in result.output


def test_import_over_a_limit_exits_1_naming_it(
    cli: tuple[CliRunner, dict[str, str]], tmp_path: Path
) -> None:
    runner, env = cli
    big = tmp_path / "departments.csv"
    big.write_text("code,name\nhr,HR\nit,IT\nops,Operations\n")
    result = runner.invoke(
        app, ["import", str(big)], env=env | {"IMPORT_MAX_ROWS": "2", "COLUMNS": "300"}
    )
    assert result.exit_code == 1
    assert (
        "The departments sheet has more than 2 rows; the import limit is 2 rows per sheet"
        " (IMPORT_MAX_ROWS). Split it into several files."
    ) in " ".join(result.stdout.split())
