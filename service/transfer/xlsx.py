"""Write-only XLSX workbooks with typed cells (openpyxl streams each sheet to disk)."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from service.transfer.columns import Kind

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
_BOLD = Font(bold=True)


def new_workbook() -> Workbook:
    """An empty write-only workbook."""
    return Workbook(write_only=True)


def add_sheet(workbook: Workbook, name: str, header: Sequence[str]) -> WriteOnlyWorksheet:
    """A sheet with a bold header row, frozen above the data."""
    worksheet = workbook.create_sheet(name)
    worksheet.freeze_panes = "A2"
    cells = []
    for title in header:
        cell = WriteOnlyCell(worksheet, value=title)
        cell.font = _BOLD
        cells.append(cell)
    worksheet.append(cells)
    return worksheet


def cell(worksheet: WriteOnlyWorksheet, kind: Kind, value: Any) -> Any:
    """A typed cell: dates as dates, money with two decimals, text never read as a formula
    (and without the control characters XML cannot hold)."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, date):
        typed = WriteOnlyCell(worksheet, value=value)
        typed.number_format = DATE_FORMAT
        return typed
    if isinstance(value, Decimal):
        if kind == "money":
            typed = WriteOnlyCell(worksheet, value=value)
            typed.number_format = MONEY_FORMAT
            return typed
        return value
    if isinstance(value, str):
        # XML cannot hold most control characters: a workbook drops them.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("="):
            typed = WriteOnlyCell(worksheet, value=value)
            typed.data_type = "s"
            return typed
    return value


def append_rows(
    worksheet: WriteOnlyWorksheet, kinds: Sequence[Kind], rows: Sequence[Sequence[Any]]
) -> None:
    """Append `rows`, each cell typed by its column's kind."""
    for row in rows:
        worksheet.append([cell(worksheet, k, v) for k, v in zip(kinds, row, strict=True)])
