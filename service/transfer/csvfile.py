"""Read one CSV file (UTF-8, comma or semicolon) into a raw sheet, counting rows and cells.

UTF-8 only, with or without a byte-order mark. The delimiter is the one the header line
uses most (`;` or `,`). In a semicolon-separated file a comma is the decimal separator
(European spreadsheets write "12,5"); in a comma-separated file numbers use a dot. The
sheet a CSV holds is told by its file name (`people.csv`, `people-2026.csv`), else by its
columns. A cell the export neutralised as a possible formula (`'=...`) is read back as it
was (`service.transfer.formulas`).
"""

import csv
import io
from collections.abc import Iterator

from service.i18n import gettext as _
from service.transfer import formulas
from service.transfer.limits import Meter
from service.transfer.payloads import ImportProblem
from service.transfer.sheets import (
    RawSheet,
    entity_by_columns,
    entity_named,
    file_problem,
    header_of,
    is_blank_row,
    sheet_names,
)

Read = tuple[list[RawSheet], list[ImportProblem]]


def read_csv(data: bytes, filename: str, meter: Meter) -> Read:
    """The sheet a CSV file holds, or the problem that stops it from being read."""
    named = entity_named(filename)
    text, problem = _decode(data, named.name if named else None)
    if problem is not None:
        return [], [problem]
    assert text is not None
    if not text.strip():
        problem = file_problem(_("The file is empty."), "empty_file", named.name if named else None)
        return [], [problem]
    delimiter = _delimiter(text)
    records = csv.reader(_lines(text, delimiter, meter), delimiter=delimiter)
    try:
        header = header_of(next(records))
        entity = named or entity_by_columns(header)
        if entity is None:
            *files, last = sheet_names(".csv")
            message = _(
                "Cannot tell which sheet '%(name)s' holds: name the file after it (%(files)s or"
                " %(last)s)."
            ) % {"name": filename, "files": ", ".join(files), "last": last}
            return [], [file_problem(message, "unknown_sheet")]
        rows = []
        for count, cells in enumerate(records, start=1):
            meter.row(entity.name, count, len(cells))
            if not is_blank_row(cells):
                rows.append((count + 1, tuple(_restore(cell) for cell in cells)))
    except csv.Error as exc:
        message = _("The file is not readable CSV: %(error)s.") % {"error": exc}
        return [], [file_problem(message, "unreadable_file")]
    return [RawSheet(entity, header, rows, decimal_comma=delimiter == ";")], []


def _restore(cell: str) -> str:
    return formulas.restore(cell) if cell.startswith("'") else cell


def _lines(text: str, delimiter: str, meter: Meter) -> Iterator[str]:
    """The lines of `text`; a line with more separators than the cells limit stops the read
    before it is split (a one-line file of commas would otherwise make millions of cells)."""
    for line in io.StringIO(text, newline=""):
        if line.count(delimiter) >= meter.limits.max_cells:
            raise meter.too_many_cells(None)
        yield line


def _decode(data: bytes, sheet: str | None) -> tuple[str | None, ImportProblem | None]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        message = _('The file is UTF-16 text: save it as "CSV UTF-8" and import it again.')
        return None, file_problem(message, "wrong_encoding", sheet)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        line = data[:offset].count(b"\n") + 1
        message = _(
            "The file is not UTF-8 text: byte %(byte)s on line %(line)s cannot be read. Save"
            ' it as "CSV UTF-8" and import it again.'
        ) % {"byte": f"0x{data[offset]:02X}", "line": line}
        return None, file_problem(message, "wrong_encoding", sheet)


def _delimiter(text: str) -> str:
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    return ";" if first.count(";") > first.count(",") else ","
