"""How much an import may read, and a meter that counts a file against it while reading.

Nothing here trusts what a file says about itself (a zip header's sizes, a sheet's declared
dimension): bytes are counted as they are unpacked, rows and cells as they are parsed, and
the read stops at the first limit passed.
"""

from dataclasses import dataclass

from service.config import Settings
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
    """A byte count as people read it: 950 bytes, 12.5 kB, 20 MB."""
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def too_large(size: int, limits: ImportLimits) -> LimitExceeded:
    """The refusal of an upload of `size` bytes, over IMPORT_MAX_BYTES."""
    message = (
        f"The file is {size_text(size)}; the import limit is {size_text(limits.max_bytes)}"
        " (IMPORT_MAX_BYTES)."
    )
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
            message = (
                f"The file unpacks to more than {size_text(limit)}; the import limit is"
                f" {size_text(limit)} unpacked (IMPORT_MAX_UNPACKED_BYTES)."
            )
            name = "IMPORT_MAX_UNPACKED_BYTES"
            raise _exceeded(None, message, "unpacked_too_large", name, limit, size=True)

    def row(self, sheet: str, rows: int, cells: int) -> None:
        """Count a row of `sheet` holding `cells` cells, its `rows`-th after the header."""
        if rows > self.limits.max_rows:
            limit = self.limits.max_rows
            message = (
                f"The {sheet} sheet has more than {limit:,} rows; the import limit is"
                f" {limit:,} rows per sheet (IMPORT_MAX_ROWS). Split it into several files."
            )
            raise _exceeded(sheet, message, "too_many_rows", "IMPORT_MAX_ROWS", limit)
        self.cells += cells
        if self.cells > self.limits.max_cells:
            raise self.too_many_cells(sheet)

    def too_many_cells(self, sheet: str | None) -> LimitExceeded:
        """The refusal of a file over the cells limit (found in `sheet`)."""
        limit = self.limits.max_cells
        message = (
            f"The file holds more than {limit:,} cells; the import limit is {limit:,} cells"
            " (IMPORT_MAX_CELLS). Split it into several files."
        )
        return _exceeded(sheet, message, "too_many_cells", "IMPORT_MAX_CELLS", limit)


def _exceeded(
    sheet: str | None, message: str, code: str, limit: str, value: int, *, size: bool = False
) -> LimitExceeded:
    problem = ImportProblem(sheet=sheet, row=None, column=None, message=message, code=code)
    return LimitExceeded(problem, limit=limit, value=value, size=size)
