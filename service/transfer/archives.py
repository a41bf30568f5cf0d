"""Read a zip: a zip of CSV files (one per sheet) or an XLSX workbook, bounded while unpacking.

Every member is unpacked through zipfile's stream in small chunks, each counted against the
unpacked limit, so a zip whose headers understate its content (a zip bomb) stops at the
limit or at the first byte past what its header declared. A workbook is unpacked once that
way before openpyxl opens it, then read streaming, a row at a time, each row and cell
counted: a sheet's declared dimension is never trusted.
"""

import contextlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import PurePosixPath

from service.i18n import N_
from service.i18n import gettext as _
from service.transfer.csvfile import Read, read_csv
from service.transfer.limits import LimitExceeded, Meter
from service.transfer.payloads import ImportProblem
from service.transfer.sheets import (
    RawSheet,
    entity_named,
    file_problem,
    header_of,
    is_blank_row,
    is_export_only,
    sheet_names,
    unique,
)
from service.transfer.workbook_scan import WORKBOOK, count_workbook

CHUNK = 1 << 16
# What zipfile raises on a member it cannot unpack: bad CRC or size (a header that lies),
# a broken deflate stream, an unknown compression method, a password.
UNPACK_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)
DAMAGED = N_("The file is a damaged zip or workbook.")
UNREADABLE_WORKBOOK = N_("The workbook is damaged and cannot be read.")


class Unreadable(Exception):
    """A member of the zip cannot be unpacked."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        message = _(
            "'%(name)s' in the zip cannot be unpacked: the file is damaged (its content does"
            " not match its header) or encrypted."
        ) % {"name": name}
        self.problem = file_problem(message, "unreadable_file")


def read_zip(data: bytes) -> tuple[zipfile.ZipFile | None, list[ImportProblem]]:
    """The zip's directory, or the problem that it is damaged."""
    try:
        return zipfile.ZipFile(io.BytesIO(data)), []
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None, [file_problem(_(DAMAGED), "unreadable_file")]


def read_archive(data: bytes, meter: Meter) -> Read:
    """The sheets of a zip of CSV files or of an XLSX workbook."""
    archive, problems = read_zip(data)
    if archive is None:
        return [], problems
    try:
        with archive:
            if WORKBOOK in archive.namelist():
                count_workbook(archive, lambda info: _chunks(archive, [info], meter), meter)
                return _read_workbook(data, meter)
            return _read_csvs(archive, meter)
    except Unreadable as unreadable:
        return [], [unreadable.problem]


def _chunks(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], meter: Meter
) -> Iterator[bytes]:
    """The unpacked bytes of `members`, a chunk at a time, each counted by `meter`."""
    for info in members:
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    meter.unpack(len(chunk))
                    yield chunk
        except UNPACK_ERRORS:
            raise Unreadable(info.filename) from None


def _read_csvs(archive: zipfile.ZipFile, meter: Meter) -> Read:
    sheets: list[RawSheet] = []
    problems: list[ImportProblem] = []
    for info in archive.infolist():
        path = PurePosixPath(info.filename)
        hidden = path.parts[0] == "__MACOSX" or path.name.startswith(".")
        if info.is_dir() or hidden or is_export_only(path.stem):
            continue
        if path.suffix.lower() != ".csv":
            message = _("The zip holds '%(name)s': only .csv files can be imported from a zip.") % {
                "name": info.filename
            }
            problems.append(file_problem(message, "unsupported_format"))
            continue
        content = b"".join(_chunks(archive, [info], meter))
        read, found = read_csv(content, path.name, meter)
        sheets += read
        problems += found
    if not sheets and not problems:
        problems.append(file_problem(_("The zip holds no CSV file."), "empty_file"))
    return unique(sheets, problems)


def _read_workbook(data: bytes, meter: Meter) -> Read:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        return [], [file_problem(_(UNREADABLE_WORKBOOK), "unreadable_file")]
    sheets: list[RawSheet] = []
    problems: list[ImportProblem] = []
    try:
        for worksheet in workbook.worksheets:
            title = worksheet.title.strip()
            entity = entity_named(title)
            if entity is None:
                if not is_export_only(title):
                    message = _("Unknown sheet '%(title)s': the sheets are %(sheets)s.") % {
                        "title": title,
                        "sheets": ", ".join(sheet_names()),
                    }
                    problems.append(file_problem(message, "unknown_sheet", title))
                continue
            # The dimension a sheet declares is not trusted: rows are counted as they come.
            worksheet.reset_dimensions()
            # Closed even when a limit stops the read: the reader's parsed rows are then
            # freed at once, not left to a full garbage collection.
            with contextlib.closing(worksheet.iter_rows(values_only=True)) as rows:
                first = next(rows, None)
                if first is None:
                    continue
                kept = []
                for count, values in enumerate(rows, start=1):
                    meter.row(entity.name, count, len(values))
                    if not is_blank_row(values):
                        kept.append((count + 1, values))
            sheets.append(RawSheet(entity, header_of(first), kept, decimal_comma=False))
    except LimitExceeded:
        raise
    except Exception:  # a sheet's XML can be damaged past what opening the workbook reads
        return [], [file_problem(_(UNREADABLE_WORKBOOK), "unreadable_file")]
    finally:
        workbook.close()
    return unique(sheets, problems)
