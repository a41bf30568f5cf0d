"""Check every row of every sheet before anything is written.

First each sheet on its own (columns, every cell, keys repeated within the file), then
what needs the database (`service.transfer.checks`: references, reporting cycles,
lifecycle rules). The outcome is a Plan of typed rows, or the full list of problems.
"""

import asyncio
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from service import i18n
from service.i18n import gettext as _
from service.transfer import checks, headers, irritant_rows, rationales
from service.transfer.cells import CellError, is_blank
from service.transfer.payloads import ImportProblem
from service.transfer.plan import Plan, Problems, Row, Sheet, duplicate_message
from service.transfer.sheets import RawSheet


def read_sheets(raw_sheets: list[RawSheet], problems: Problems) -> Plan:
    """Typed rows of every sheet; cell and column problems go to `problems`."""
    sheets = {raw.entity.name: _read_sheet(raw, problems) for raw in raw_sheets}
    for sheet in sheets.values():
        _refuse_duplicate_keys(sheet, problems)
    return Plan(sheets)


def _read_sheet(raw: RawSheet, problems: Problems) -> Sheet:
    entity = raw.entity
    positions = _check_header(raw, problems)
    present = set(positions)
    usable = all(name in present for name in entity.key)
    sheet = Sheet(entity, present, [], usable)
    if not usable:
        return sheet
    for number, cells in raw.rows:
        extra = [cell for cell in cells[len(raw.header) :] if not is_blank(cell)]
        if extra:
            message = _(
                "This row has %(values)s values but the header has %(columns)s columns: put"
                " a value holding the delimiter in quotes."
            ) % {"values": len(raw.header) + len(extra), "columns": len(raw.header)}
            problems.add(entity.name, number, None, message, "too_many_values")
        sheet.rows.append(Row(number, _read_cells(raw, positions, number, cells, problems)))
    return sheet


def _check_header(raw: RawSheet, problems: Problems) -> dict[str, int]:
    """Known column -> position; unknown, repeated, unnamed or missing columns reported.

    A column may be named in any language offered (service.transfer.headers); problems name
    it as the file does.
    """
    entity = raw.entity
    locale = i18n.current()
    positions: dict[str, int] = {}
    for index, name in enumerate(raw.header):
        key = headers.key_of(name, entity.names) if name else None
        if not name:
            message = _("Column %(n)s has no name.") % {"n": index + 1}
            problems.add(entity.name, 1, None, message, "unnamed_column")
        elif key is None:
            message = _("Unknown column '%(name)s': the columns of %(sheet)s are %(columns)s.")
            sheet = headers.header(entity.name, locale)
            columns = ", ".join(headers.headers(entity.names, locale))
            values = {"name": name, "sheet": sheet, "columns": columns}
            problems.add(entity.name, 1, name, message % values, "unknown_column")
            problems.name(entity.name, name, name)
        elif key in positions:
            message = _("Column '%(name)s' appears twice.") % {"name": name}
            problems.add(entity.name, 1, key, message, "duplicate_column")
        else:
            positions[key] = index
            problems.name(entity.name, key, name)
    for column in entity.columns:
        if column.required and column.name not in positions:
            name = headers.header(column.name, locale)
            message = _("Missing column '%(name)s': it is required.") % {"name": name}
            problems.add(entity.name, 1, column.name, message, "missing_column")
    return positions


def _read_cells(
    raw: RawSheet,
    positions: dict[str, int],
    number: int,
    cells: tuple[Any, ...],
    problems: Problems,
) -> dict[str, Any]:
    entity = raw.entity
    values: dict[str, Any] = {}
    for name, index in positions.items():
        column = entity.by_name[name]
        cell = cells[index] if index < len(cells) else None
        if is_blank(cell):
            if column.required:
                problems.add(entity.name, number, name, _("A value is required."), "required")
            else:
                default = column.default
                values[name] = list(default) if isinstance(default, list) else default
            continue
        try:
            values[name] = column.read(cell, raw.decimal_comma)
        except CellError as exc:
            problems.add(entity.name, number, name, exc.message, exc.code)
    return values


def _refuse_duplicate_keys(sheet: Sheet, problems: Problems) -> None:
    entity = sheet.entity
    for row in sheet.rows:
        key = row.key(entity)
        if key is None:
            continue
        first = sheet.keys.setdefault(key, row.number)
        if first != row.number:
            message = duplicate_message(entity, key, first)
            problems.add(entity.name, row.number, entity.key[-1], message, "duplicate_key")


async def validate(
    session: AsyncSession, raw_sheets: list[RawSheet], found: list[ImportProblem]
) -> tuple[Plan, list[ImportProblem]]:
    """Check every sheet, then what needs the database; the plan and every problem found.

    Every cell is read in a worker thread: a large file never holds the event loop.
    """
    problems = Problems(found)
    plan = await asyncio.to_thread(read_sheets, raw_sheets, problems)
    await asyncio.to_thread(rationales.check, plan, problems)
    if plan.row_count() == 0 and not problems.items:
        problems.add(None, None, None, _("The file holds no rows to import."), "no_rows")
    if plan.sheets:
        await checks.check_against_database(session, plan, problems)
        await irritant_rows.check(session, plan, problems)
    return plan, await asyncio.to_thread(problems.sorted)
