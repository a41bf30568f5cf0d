"""read_file: formats, delimiters, sheet names, and what it refuses before any check."""

import io
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncSession

from service.transfer.csvfile import Read
from service.transfer.limits import ImportLimits, Meter, size_text
from service.transfer.payloads import ImportProblem
from service.transfer.readers import read_file as read_with
from service.transfer.sheets import entity_named
from tests.transfer.helpers import counted, problem, problems_of, run, zipped


def read_file(data: bytes, filename: str) -> Read:
    return read_with(data, filename, Meter(ImportLimits()))


def dumped(problems: list[ImportProblem]) -> list[dict[str, Any]]:
    return [p.model_dump() for p in problems]


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("people.csv", "people"),
        ("People", "people"),
        ("people-2026.csv", "people"),
        ("Check-ins.csv", "checkins"),
        ("kpi_measurements.csv", "measurements"),
        ("KPIs", "kpis"),
        ("peoplesoft.csv", None),
        ("notes.csv", None),
    ],
)
def test_sheet_names(name: str, entity: str | None) -> None:
    found = entity_named(name)
    assert (found.name if found else None) == entity


def test_sizes_read_like_people_say_them() -> None:
    assert [size_text(n) for n in (950, 12_500, 20_000_000, 20_400_000)] == [
        "950 bytes",
        "12.5 kB",
        "20 MB",
        "20.4 MB",
    ]


def test_semicolons_make_a_european_file() -> None:
    [sheet], problems = read_file(b"code;name\nhr;Human Resources\n", "departments.csv")
    assert problems == []
    assert (sheet.header, sheet.rows, sheet.decimal_comma) == (
        ["code", "name"],
        [(2, ("hr", "Human Resources"))],
        True,
    )


def test_blank_lines_are_skipped_but_rows_keep_their_numbers() -> None:
    [sheet], _ = read_file(b"code,name\n\nhr,HR\n,\nit,IT\n", "departments.csv")
    assert sheet.rows == [(3, ("hr", "HR")), (5, ("it", "IT"))]


def test_an_old_xls_is_refused() -> None:
    assert dumped(read_file(b"\xd0\xcf\x11\xe0rest", "book.xls")[1]) == [
        problem(
            None,
            None,
            None,
            "The file is an old .xls workbook: save it as .xlsx (or CSV UTF-8).",
            "unsupported_format",
        )
    ]


def test_a_damaged_zip_is_refused() -> None:
    assert dumped(read_file(b"PK\x03\x04garbage", "book.xlsx")[1]) == [
        problem(None, None, None, "The file is a damaged zip or workbook.", "unreadable_file")
    ]


def test_a_zip_ignores_export_only_sheets_and_refuses_other_files() -> None:
    data = zipped(
        {
            "departments.csv": "code,name\nhr,HR\n",
            "flags.csv": "code,severity\n",
            "readme.txt": "hello",
        }
    )
    sheets, problems = read_file(data, "all.zip")
    assert [s.entity.name for s in sheets] == ["departments"]
    assert dumped(problems) == [
        problem(
            None,
            None,
            None,
            "The zip holds 'readme.txt': only .csv files can be imported from a zip.",
            "unsupported_format",
        )
    ]


async def test_a_workbook_with_typed_cells(session: AsyncSession) -> None:
    data = workbook(
        {
            "departments": [["code", "name"], ["hr", "HR"]],
            "kpis": [
                ["code", "name", "direction", "perspective", "department_codes", "baseline_date"],
                ["ENPS", "Employee NPS", "increase", "employee", "hr", datetime(2026, 1, 31)],
            ],
            "measurements": [
                ["kpi_code", "measured_on", "value"],
                ["ENPS", date(2026, 2, 28), 12.5],
                [None, None, None],
                ["ENPS", datetime(2026, 3, 31), 13],
            ],
            "flags": [["code"], ["TECH_PUSH"]],
        }
    )
    report = await run(session, data, "book.xlsx")
    assert report.model_dump()["counts"] == counted(
        departments=(1, 0, 0), kpis=(1, 0, 0), measurements=(2, 0, 0)
    )


async def test_workbook_problems(session: AsyncSession) -> None:
    data = workbook(
        {
            "Notes": [["anything"]],
            "measurements": [
                ["kpi_code", "measured_on", "value"],
                ["NPS", datetime(2026, 2, 28, 14, 30), True],
            ],
            "Measurements": [["kpi_code"]],
        }
    )
    assert await problems_of(session, data, "book.xlsx") == [
        problem(
            "Notes",
            None,
            None,
            "Unknown sheet 'Notes': the sheets are departments, people, kpis, initiatives,"
            " measurements, checkins.",
            "unknown_sheet",
        ),
        problem(
            "measurements",
            None,
            None,
            "The file holds the measurements sheet twice; keep one.",
            "duplicate_sheet",
        ),
        problem(
            "measurements",
            2,
            "kpi_code",
            "No KPI with code 'NPS' in the file or the database.",
            "unknown_reference",
        ),
        problem(
            "measurements",
            2,
            "measured_on",
            "2026-02-28 14:30:00 has a time of day: give a date.",
            "invalid_date",
        ),
        problem("measurements", 2, "value", "true is not a number.", "invalid_number"),
    ]
