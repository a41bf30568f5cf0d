"""Export the portfolio: CSV per sheet, a zip of them all, or one XLSX workbook.

Streamed: rows come from server-side cursors in batches and are written as they arrive,
so a 100,000-initiative portfolio never sits in memory. Sheets: the six entities and the
irritants (the same columns the import reads, so an export imports back unchanged), plus
the live flags and the balance (export only). CSV is UTF-8 with a byte-order mark (so
spreadsheet programs read accents right), comma-separated, dot decimals, ISO dates; text
that a spreadsheet program would run as a formula starts with an apostrophe
(`service.transfer.formulas`, undone by the import). XLSX cells are typed: dates as dates,
money and figures as numbers, text as text.
"""

import asyncio
import csv
import io
import os
import tempfile
import time
import zipfile
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.listing.initiatives import InitiativeFilters
from service.portfolio import service as portfolio_service
from service.transfer import formulas, headers
from service.transfer.columns import ENTITIES, Kind
from service.transfer.export_filter import sheet_statement
from service.transfer.export_sql import COUNT_SQL
from service.transfer.irritant_columns import IRRITANTS

BATCH = 2000
BOM = "\ufeff"
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class SheetSpec:
    """An exported sheet: its name and its columns with their kinds."""

    name: str
    columns: tuple[tuple[str, Kind], ...]

    def header(self, locale: str | None = None) -> list[str]:
        """The column headers in `locale` (English when None)."""
        return headers.headers((name for name, _ in self.columns), locale)

    def title(self, locale: str | None = None) -> str:
        """The sheet's name in `locale` (English when None)."""
        return headers.header(self.name, locale)


SHEETS: tuple[SheetSpec, ...] = (
    *(SheetSpec(e.name, tuple((c.name, c.kind) for c in e.columns)) for e in ENTITIES),
    SheetSpec(IRRITANTS.name, tuple((c.name, c.kind) for c in IRRITANTS.columns)),
    SheetSpec(
        "flags",
        tuple(
            (name, "text")
            for name in (
                "code",
                "severity",
                "entity_type",
                "entity_code",
                "department_code",
                "message",
            )
        ),
    ),
    SheetSpec(
        "balance",
        (
            ("scope", "text"),
            ("department_code", "text"),
            ("client_share", "number"),
            ("internal_share", "number"),
            ("total_weight", "money"),
            ("initiative_count", "integer"),
            ("band_min", "number"),
            ("band_max", "number"),
            ("within_band", "boolean"),
        ),
    ),
)
SHEET_NAMES = tuple(sheet.name for sheet in SHEETS)
BY_NAME = {sheet.name: sheet for sheet in SHEETS}


async def count_rows(session: AsyncSession, names: Sequence[str] = SHEET_NAMES) -> dict[str, int]:
    """Rows each entity sheet will hold (flags and balance are not counted: small)."""
    counts: dict[str, int] = {}
    for name in names:
        if name in COUNT_SQL:
            counts[name] = (await session.scalar(text(COUNT_SQL[name]))) or 0
    return counts


async def batches(
    session: AsyncSession, name: str, where: InitiativeFilters | None = None
) -> AsyncIterator[list[Sequence[Any]]]:
    """The rows of sheet `name` in batches of at most BATCH, from a server-side cursor.

    `where` keeps the initiatives the initiative list's filters match (that sheet only).
    """
    if name == "flags":
        async for page in _flags(session):
            yield page
        return
    if name == "balance":
        yield await _balance(session)
        return
    stmt = sheet_statement(name, where)
    result = await session.stream(stmt, execution_options={"yield_per": BATCH})
    async for partition in result.partitions(BATCH):
        yield [tuple(row) for row in partition]


async def _flags(session: AsyncSession) -> AsyncIterator[list[Sequence[Any]]]:
    """The live flags, a page at a time."""
    cursor: str | None = None
    while True:
        page = await portfolio_service.list_flags(session, limit=BATCH, cursor=cursor)
        yield [
            (
                f.code.value,
                f.severity.value,
                f.entity_type,
                f.entity_code,
                f.department_code,
                f.message,
            )
            for f in page.items
        ]
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


async def _balance(session: AsyncSession) -> list[Sequence[Any]]:
    balance = await portfolio_service.compute_balance(session)
    rows: list[Sequence[Any]] = [
        (
            "portfolio",
            None,
            balance.client_share,
            balance.internal_share,
            balance.total_weight,
            balance.initiative_count,
            balance.band_min,
            balance.band_max,
            balance.within_band,
        )
    ]
    for d in balance.departments:
        share = d.client_share
        rows.append(
            (
                "department",
                d.department_code,
                share,
                None if share is None else 1 - share,
                d.total_weight,
                d.initiative_count,
                balance.band_min,
                balance.band_max,
                d.within_band,
            )
        )
    return rows


def number_text(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 0.5, 12, 1234.25."""
    text_value = format(value.normalize(), "f")
    return "0" if text_value in ("-0", "") else text_value


def csv_value(kind: Kind, value: Any) -> str:
    """How a CSV cell writes `value` (text that could run as a formula neutralised)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}" if kind == "money" else number_text(value)
    if isinstance(value, str):
        return formulas.neutralise(value)
    return str(value)


async def csv_chunks(
    session: AsyncSession,
    name: str,
    progress: Progress | None = None,
    where: InitiativeFilters | None = None,
    locale: str | None = None,
) -> AsyncIterator[bytes]:
    """Sheet `name` as UTF-8 CSV (with a byte-order mark, headers in `locale`), a batch at
    a time."""
    sheet = BY_NAME[name]
    kinds = [kind for _, kind in sheet.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(sheet.header(locale))
    async for rows in batches(session, name, where):
        writer.writerows([csv_value(k, v) for k, v in zip(kinds, row, strict=True)] for row in rows)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
        if progress is not None:
            progress(name, len(rows))
    if buffer.tell():
        yield buffer.getvalue().encode()


class _Sink(io.RawIOBase):
    """A write-only, non-seekable stream whose bytes are taken as they come."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, chunk: Any) -> int:
        self.data += chunk
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.position

    def take(self) -> bytes:
        """The bytes written since the last take."""
        taken = bytes(self.data)
        self.data.clear()
        return taken


async def zip_chunks(
    session: AsyncSession,
    names: Sequence[str] = SHEET_NAMES,
    progress: Progress | None = None,
    where: InitiativeFilters | None = None,
    locale: str | None = None,
) -> AsyncIterator[bytes]:
    """A zip of one CSV per sheet, named in `locale`, streamed (entries with data
    descriptors)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            entry_name = f"{BY_NAME[name].title(locale)}.csv"
            entry_info = zipfile.ZipInfo(entry_name, date_time=time.localtime()[:6])
            entry_info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(entry_info, "w", force_zip64=True) as entry:
                async for chunk in csv_chunks(session, name, progress, where, locale):
                    entry.write(chunk)
                    if len(sink.data) >= 1 << 16:
                        yield sink.take()
            yield sink.take()
    yield sink.take()


async def write_xlsx(
    session: AsyncSession,
    path: str,
    names: Sequence[str] = SHEET_NAMES,
    progress: Progress | None = None,
    where: InitiativeFilters | None = None,
    locale: str | None = None,
) -> None:
    """Write the workbook to `path`: one sheet each (named in `locale`), typed cells, rows
    appended as they come."""
    from service.transfer import xlsx

    workbook = xlsx.new_workbook()
    for name in names:
        sheet = BY_NAME[name]
        worksheet = xlsx.add_sheet(workbook, sheet.title(locale), sheet.header(locale))
        kinds = [kind for _, kind in sheet.columns]
        async for rows in batches(session, name, where):
            await asyncio.to_thread(xlsx.append_rows, worksheet, kinds, rows)
            if progress is not None:
                progress(name, len(rows))
    await asyncio.to_thread(workbook.save, path)


async def xlsx_chunks(
    session: AsyncSession,
    names: Sequence[str] = SHEET_NAMES,
    chunk_size: int = 1 << 16,
    where: InitiativeFilters | None = None,
    locale: str | None = None,
) -> AsyncIterator[bytes]:
    """The workbook, built in a temporary file and then streamed from it."""
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="cdo-export-")
    os.close(handle)
    try:
        await write_xlsx(session, path, names, where=where, locale=locale)
        with open(path, "rb") as built:  # noqa: ASYNC230 - local temp file, read in chunks
            while chunk := built.read(chunk_size):
                yield chunk
    finally:
        os.unlink(path)
