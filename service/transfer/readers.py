"""Read an uploaded file into raw sheets: CSV (UTF-8, comma or semicolon), XLSX, or a zip of CSVs.

The content decides the format, not the name: a zip holding `xl/workbook.xml` is a
workbook, a zip of `.csv` files is one CSV per sheet, anything else is read as CSV. A
file named `.xlsx` whose content is not a zip is refused (it is usually a CSV renamed).

CSV: UTF-8 only, with or without a byte-order mark. The delimiter is the one the header
line uses most (`;` or `,`). In a semicolon-separated file a comma is the decimal
separator (European spreadsheets write "12,5"); in a comma-separated file numbers use a
dot. The sheet a CSV holds is told by its file name (`people.csv`, `people-2026.csv`),
else by its columns.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from service.transfer.cells import is_blank
from service.transfer.columns import BY_NAME, ENTITIES, Entity
from service.transfer.payloads import ImportProblem

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the pre-2007 binary .xls format
EXPORT_ONLY_SHEETS = frozenset({"flags", "balance"})
_ALIASES = {
    "departments": ("departments", "department"),
    "people": ("people", "persons", "person"),
    "kpis": ("kpis", "kpi"),
    "initiatives": ("initiatives", "initiative"),
    "measurements": ("kpi_measurements", "measurements", "measurement"),
    "checkins": ("progress_updates", "check_ins", "checkins", "checkin", "check_in"),
}
# Longest first, so `kpi_measurements` is not taken for `kpis`.
_BY_ALIAS = sorted(
    ((alias, name) for name, aliases in _ALIASES.items() for alias in aliases),
    key=lambda pair: -len(pair[0]),
)
SHEET_LIST = "departments, people, kpis, initiatives, measurements, checkins"


@dataclass
class RawSheet:
    """One sheet as read: its header and its non-blank rows, cells aligned to the header."""

    entity: Entity
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    decimal_comma: bool = False


def file_problem(message: str, code: str, sheet: str | None = None) -> ImportProblem:
    """A problem about the whole file (or sheet), not a cell."""
    return ImportProblem(sheet=sheet, row=None, column=None, message=message, code=code)


def read_file(
    data: bytes, filename: str, *, max_bytes: int
) -> tuple[list[RawSheet], list[ImportProblem]]:
    """The sheets of an uploaded file, and the problems that stop it from being read.

    `max_bytes` also bounds what a zip of CSVs holds once unpacked.
    """
    if not data:
        return [], [file_problem("The file is empty.", "empty_file")]
    suffix = PurePosixPath(filename).suffix.lower()
    if data.startswith(ZIP_MAGIC):
        return _read_zip(data, max_bytes)
    if data.startswith(OLE_MAGIC):
        message = "The file is an old .xls workbook: save it as .xlsx (or CSV UTF-8)."
        return [], [file_problem(message, "unsupported_format")]
    if suffix in (".xlsx", ".xlsm"):
        message = (
            f"The file is named {suffix} but is not an Excel workbook: its content is plain"
            " text (a CSV?). Save it as a workbook, or rename it to .csv."
        )
        return [], [file_problem(message, "not_a_workbook")]
    return _read_csv(data, filename)


def size_text(size: int) -> str:
    """A byte count as people read it: 950 bytes, 12.5 kB, 20 MB."""
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def entity_named(name: str) -> Entity | None:
    """The entity a sheet or file name stands for (`People`, `people-2026.csv`), if any."""
    stem = re.sub(r"[\s-]+", "_", PurePosixPath(name).stem.strip().lower())
    for alias, entity in _BY_ALIAS:
        if stem == alias or re.match(rf"^{alias}(?![a-z])", stem):
            return BY_NAME[entity]
    return None


def _normalise_header(value: Any) -> str:
    return "" if value is None else re.sub(r"\s+", "_", str(value).strip().lower())


def _entity_by_columns(header: list[str]) -> Entity | None:
    """The one entity whose columns hold every header name and its required columns."""
    fits = [
        entity
        for entity in ENTITIES
        if set(header) <= set(entity.names)
        and {c.name for c in entity.columns if c.required} <= set(header)
    ]
    return fits[0] if len(fits) == 1 else None


def _decode(data: bytes, sheet: str | None) -> tuple[str | None, ImportProblem | None]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        message = 'The file is UTF-16 text: save it as "CSV UTF-8" and import it again.'
        return None, file_problem(message, "wrong_encoding", sheet)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        line = data[:offset].count(b"\n") + 1
        message = (
            f"The file is not UTF-8 text: byte 0x{data[offset]:02X} on line {line} cannot be"
            ' read. Save it as "CSV UTF-8" and import it again.'
        )
        return None, file_problem(message, "wrong_encoding", sheet)


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if first.count(";") > first.count(",") else ","


def _read_csv(data: bytes, filename: str) -> tuple[list[RawSheet], list[ImportProblem]]:
    named = entity_named(filename)
    text, problem = _decode(data, named.name if named else None)
    if problem is not None:
        return [], [problem]
    assert text is not None
    if not text.strip():
        return [], [file_problem("The file is empty.", "empty_file", named.name if named else None)]
    delimiter = _delimiter(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        return [], [file_problem(f"The file is not readable CSV: {exc}.", "unreadable_file")]
    header = [_normalise_header(cell) for cell in records[0]]
    while header and not header[-1]:
        header.pop()
    entity = named or _entity_by_columns(header)
    if entity is None:
        message = (
            f"Cannot tell which sheet '{filename}' holds: name the file after it"
            " (departments.csv, people.csv, kpis.csv, initiatives.csv, measurements.csv or"
            " checkins.csv)."
        )
        return [], [file_problem(message, "unknown_sheet")]
    rows = [(number, cells) for number, cells in enumerate(records[1:], start=2)]
    return [_sheet(entity, header, rows, decimal_comma=delimiter == ";")], []


def _sheet(
    entity: Entity, header: list[str], rows: list[tuple[int, list[Any]]], *, decimal_comma: bool
) -> RawSheet:
    kept = [(number, list(cells)) for number, cells in rows if not all(map(is_blank, cells))]
    return RawSheet(entity, header, kept, decimal_comma)


def _read_zip(data: bytes, max_bytes: int) -> tuple[list[RawSheet], list[ImportProblem]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return [], [file_problem("The file is a damaged zip or workbook.", "unreadable_file")]
    if "xl/workbook.xml" in names:
        return _read_xlsx(data)
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > max_bytes:
        message = (
            f"The zip holds {size_text(unpacked)} of files; the import limit is"
            f" {size_text(max_bytes)}."
        )
        return [], [file_problem(message, "file_too_large")]
    sheets: list[RawSheet] = []
    problems: list[ImportProblem] = []
    for info in archive.infolist():
        path = PurePosixPath(info.filename)
        hidden = path.parts[0] == "__MACOSX" or path.name.startswith(".")
        if info.is_dir() or hidden or path.stem.lower() in EXPORT_ONLY_SHEETS:
            continue
        if path.suffix.lower() != ".csv":
            message = (
                f"The zip holds '{info.filename}': only .csv files can be imported from a zip."
            )
            problems.append(file_problem(message, "unsupported_format"))
            continue
        read, found = _read_csv(archive.read(info), path.name)
        sheets += read
        problems += found
    if not sheets and not problems:
        problems.append(file_problem("The zip holds no CSV file.", "empty_file"))
    return _unique(sheets, problems)


def _read_xlsx(data: bytes) -> tuple[list[RawSheet], list[ImportProblem]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        return [], [file_problem("The workbook is damaged and cannot be read.", "unreadable_file")]
    sheets: list[RawSheet] = []
    problems: list[ImportProblem] = []
    try:
        for worksheet in workbook.worksheets:
            title = worksheet.title.strip()
            entity = entity_named(title)
            if entity is None:
                if title.lower() not in EXPORT_ONLY_SHEETS:
                    message = f"Unknown sheet '{title}': the sheets are {SHEET_LIST}."
                    problems.append(file_problem(message, "unknown_sheet", title))
                continue
            worksheet.reset_dimensions()
            values = [list(row) for row in worksheet.iter_rows(values_only=True)]
            if not values:
                continue
            header = [_normalise_header(cell) for cell in values[0]]
            while header and not header[-1]:
                header.pop()
            rows = list(enumerate(values[1:], start=2))
            sheets.append(_sheet(entity, header, rows, decimal_comma=False))
    finally:
        workbook.close()
    return _unique(sheets, problems)


def _unique(
    sheets: list[RawSheet], problems: list[ImportProblem]
) -> tuple[list[RawSheet], list[ImportProblem]]:
    seen: set[str] = set()
    kept: list[RawSheet] = []
    for sheet in sheets:
        if sheet.entity.name in seen:
            message = f"The file holds the {sheet.entity.name} sheet twice; keep one."
            problems.append(file_problem(message, "duplicate_sheet", sheet.entity.name))
            continue
        seen.add(sheet.entity.name)
        kept.append(sheet)
    return kept, problems
