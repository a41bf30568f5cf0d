"""A sheet as read from a file, before any cell is checked, and the names that tell sheets apart."""

import functools
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from service import i18n
from service.i18n import gettext as _
from service.transfer import headers
from service.transfer.cells import is_blank
from service.transfer.columns import ENTITIES, Entity
from service.transfer.irritant_columns import IMPORTED, IMPORTED_BY_NAME
from service.transfer.payloads import ImportProblem

EXPORT_ONLY_SHEETS = ("flags", "balance")
_ALIASES = {
    "departments": ("departments", "department"),
    "people": ("people", "persons", "person"),
    "kpis": ("kpis", "kpi"),
    "initiatives": ("initiatives", "initiative"),
    "measurements": ("kpi_measurements", "measurements", "measurement"),
    "checkins": ("progress_updates", "check_ins", "checkins", "checkin", "check_in"),
    "irritants": ("irritants", "irritant"),
}


@functools.cache
def _by_alias() -> list[tuple[str, str]]:
    """(alias, entity name), the sheet's name in every language included, longest first
    (so `kpi_measurements` is not taken for `kpis`)."""
    pairs = {(alias, name) for name, aliases in _ALIASES.items() for alias in aliases}
    pairs |= {(folded, name) for folded, name in headers.each_language(_ALIASES).items()}
    return sorted(pairs, key=lambda pair: (-len(pair[0]), pair))


def is_export_only(name: str) -> bool:
    """True for the sheets the export adds and the import skips (flags, balance), by their
    name in any language."""
    return headers.key_of(name, EXPORT_ONLY_SHEETS) is not None


def sheet_names(suffix: str = "") -> list[str]:
    """The names of the six sheets of a workbook, in the request's language."""
    return [
        f"{name}{suffix}" for name in headers.headers((e.name for e in ENTITIES), i18n.current())
    ]


@dataclass
class RawSheet:
    """One sheet as read: its header and its non-blank rows, cells aligned to the header.

    Rows are tuples: the garbage collector stops tracking a tuple of plain values, so a
    sheet of 200,000 rows does not make every full collection walk it (such a walk holds
    the interpreter, and so the event loop, for most of a second).
    """

    entity: Entity
    header: list[str]
    rows: list[tuple[int, tuple[Any, ...]]]
    decimal_comma: bool = False


def file_problem(message: str, code: str, sheet: str | None = None) -> ImportProblem:
    """A problem about the whole file (or sheet), not a cell."""
    return ImportProblem(sheet=sheet, row=None, column=None, message=message, code=code)


def entity_named(name: str) -> Entity | None:
    """The entity a sheet or file name stands for (`People`, `people-2026.csv`), if any."""
    stem = headers.fold(PurePosixPath(name).stem)
    for alias, entity in _by_alias():
        if stem == alias or re.match(rf"^{re.escape(alias)}(?![a-z])", stem):
            return IMPORTED_BY_NAME[entity]
    return None


def entity_by_columns(header: list[str]) -> Entity | None:
    """The one entity whose columns (named in any language) hold every header name and
    its required columns."""
    fits = []
    for entity in IMPORTED:
        keys = [headers.key_of(name, entity.names) for name in header]
        required = {c.name for c in entity.columns if c.required}
        if None not in keys and required <= set(keys):
            fits.append(entity)
    return fits[0] if len(fits) == 1 else None


def header_of(cells: Any) -> list[str]:
    """Column names as the checks compare them (lower case, `_` for spaces), no blank tail."""
    header = [
        "" if cell is None else re.sub(r"\s+", "_", str(cell).strip().lower()) for cell in cells
    ]
    while header and not header[-1]:
        header.pop()
    return header


def is_blank_row(cells: Any) -> bool:
    """True when no cell of the row holds anything."""
    return all(map(is_blank, cells))


def unique(
    sheets: list[RawSheet], problems: list[ImportProblem]
) -> tuple[list[RawSheet], list[ImportProblem]]:
    """The sheets, each entity once (a second one is a problem)."""
    seen: set[str] = set()
    kept: list[RawSheet] = []
    for sheet in sheets:
        if sheet.entity.name in seen:
            title = headers.header(sheet.entity.name, i18n.current())
            message = _("The file holds the %(sheet)s sheet twice; keep one.") % {"sheet": title}
            problems.append(file_problem(message, "duplicate_sheet", sheet.entity.name))
            continue
        seen.add(sheet.entity.name)
        kept.append(sheet)
    return kept, problems
