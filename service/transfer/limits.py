"""How much an import may read, and a meter that counts a file against it while reading.

Nothing here trusts what a file says about itself (a zip header's sizes, a sheet's declared
dimension): bytes are counted as they are unpacked, rows and cells as they are parsed, and
the read stops at the first limit passed.
"""

from dataclasses import dataclass

from service.config import Settings
from service.i18n import formats
from service.i18n import gettext as _
from service.transfer.payloads import FileTooLarge, ImportProblem, ImportTooLarge


def _default(name: str) -> int:
    default: int = Settings.model_fields[f"import_{name}"].default
    return default


@dataclass(frozen=True)
class ImportLimits:
    """The most an import reads: uploaded bytes, unpacked bytes, rows per sheet, cells.

    The defaults are the settings' (IMPORT_MAX_BYTES, ...).
    """

    max_bytes: int = _default("max_bytes")
    max_unpacked_bytes: int = _default("max_unpacked_bytes")
    max_rows: int = _default("max_rows")
    max_cells: int = _default("max_cells")

    @classmethod
    def of(cls, settings: Settings) -> "ImportLimits":
        """The limits the settings set."""
        return cls(
            max_bytes=settings.import_max_bytes,
            max_unpacked_bytes=settings.import_max_unpacked_bytes,
            max_rows=settings.import_max_rows,
            max_cells=settings.import_max_cells,
        )


class LimitExceeded(Exception):
    """A limit was passed while reading; raised to stop the read where it is."""

    def __init__(self, problem: ImportProblem, *, limit: str, value: int, size: bool) -> None:
        super().__init__(problem.message)
        self.problem = problem
        self.limit = limit
        self.value = value
        self.size = size

    def rejection(self, *, dry_run: bool) -> ImportTooLarge:
        """The refusal to answer: 413 for a size, 422 for rows or cells."""
        kind = FileTooLarge if self.size else ImportTooLarge
        return kind(self.problem, dry_run=dry_run, limit=self.limit, value=self.value)


def size_text(size: int) -> str:
    """A byte count as people read it: 950 bytes, 12.5 kB, 20 MB (in French: octets, ko, Mo)."""
    if size >= 1_000_000:
        return _("%(n)s MB") % {"n": _one_decimal(size / 1_000_000)}
    if size >= 1_000:
        return _("%(n)s kB") % {"n": _one_decimal(size / 1_000)}
    return _("%(n)s bytes") % {"n": size}


def _one_decimal(value: float) -> str:
    rounded = round(value, 1)
    return formats.number(rounded, 0 if rounded.is_integer() else 1)


def too_large(size: int, limits: ImportLimits) -> LimitExceeded:
    """The refusal of an upload of `size` bytes, over IMPORT_MAX_BYTES."""
    message = _("The file is %(size)s; the import limit is %(limit)s (IMPORT_MAX_BYTES).") % {
        "size": size_text(size),
        "limit": size_text(limits.max_bytes),
    }
    return _exceeded(
        None, message, "file_too_large", "IMPORT_MAX_BYTES", limits.max_bytes, size=True
    )


class Meter:
    """What one file has used of the limits so far."""

    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.unpacked = 0
        self.cells = 0

    def unpack(self, count: int) -> None:
        """Count `count` more bytes unpacked from an archive."""
        self.unpacked += count
        limit = self.limits.max_unpacked_bytes
        if self.unpacked > limit:
            message = _(
                "The file unpacks to more than %(limit)s; the import limit is %(limit)s"
                " unpacked (IMPORT_MAX_UNPACKED_BYTES)."
            ) % {"limit": size_text(limit)}
            name = "IMPORT_MAX_UNPACKED_BYTES"
            raise _exceeded(None, message, "unpacked_too_large", name, limit, size=True)

    def row(self, sheet: str, rows: int, cells: int) -> None:
        """Count a row of `sheet` holding `cells` cells, its `rows`-th after the header."""
        if rows > self.limits.max_rows:
            limit = self.limits.max_rows
            message = _(
                "The %(sheet)s sheet has more than %(limit)s rows; the import limit is"
                " %(limit)s rows per sheet (IMPORT_MAX_ROWS). Split it into several files."
            ) % {"sheet": sheet, "limit": formats.number(limit)}
            raise _exceeded(sheet, message, "too_many_rows", "IMPORT_MAX_ROWS", limit)
        self.cells += cells
        if self.cells > self.limits.max_cells:
            raise self.too_many_cells(sheet)

    def too_many_cells(self, sheet: str | None) -> LimitExceeded:
        """The refusal of a file over the cells limit (found in `sheet`)."""
        limit = self.limits.max_cells
        message = _(
            "The file holds more than %(limit)s cells; the import limit is %(limit)s cells"
            " (IMPORT_MAX_CELLS). Split it into several files."
        ) % {"limit": formats.number(limit)}
        return _exceeded(sheet, message, "too_many_cells", "IMPORT_MAX_CELLS", limit)


def _exceeded(
    sheet: str | None, message: str, code: str, limit: str, value: int, *, size: bool = False
) -> LimitExceeded:
    problem = ImportProblem(sheet=sheet, row=None, column=None, message=message, code=code)
    return LimitExceeded(problem, limit=limit, value=value, size=size)
