"""Export: streamed in batches, and a round trip that loses nothing."""

import asyncio
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from service import migrate
from service.actor import SYSTEM
from service.demo.loader import load_company
from service.transfer import export
from service.transfer.limits import ImportLimits
from service.transfer.service import import_file
from tests.dbutil import scratch_database
from tests.factories import make_kpi
from tests.transfer.helpers import counted


async def export_csvs(session: AsyncSession) -> dict[str, bytes]:
    """Every sheet as CSV."""
    files = {}
    for name in export.SHEET_NAMES:
        files[name] = b"".join([chunk async for chunk in export.csv_chunks(session, name)])
    return files


async def test_the_demo_company_round_trips_byte_for_byte(
    session: AsyncSession, database_url: str
) -> None:
    loaded = await load_company(session, today=date(2026, 11, 1))
    first = await export_csvs(session)
    archive = b"".join([chunk async for chunk in export.zip_chunks(session)])
    with scratch_database(database_url, "roundtrip") as url:
        await asyncio.to_thread(migrate.upgrade, url)
        engine = create_async_engine(url, poolclass=NullPool)
        try:
            async with AsyncSession(engine) as empty:
                report = await import_file(
                    empty, SYSTEM, archive, "export.zip", limits=ImportLimits()
                )
                await empty.commit()
            async with AsyncSession(engine) as loaded_again:
                second = await export_csvs(loaded_again)
                again = await import_file(
                    loaded_again, SYSTEM, archive, "export.zip", limits=ImportLimits()
                )
        finally:
            await engine.dispose()
    assert report.model_dump()["counts"] == counted(
        departments=(loaded["department"], 0, 0),
        people=(loaded["person"], 0, 0),
        kpis=(loaded["kpi"], 0, 0),
        initiatives=(loaded["initiative"], 0, 0),
        measurements=(loaded["kpi_measurement"], 0, 0),
        checkins=(loaded["progress_update"], 0, 0),
    )
    for name in export.SHEET_NAMES:
        assert second[name] == first[name], name
    assert again.model_dump()["counts"] == counted(
        departments=(0, 0, loaded["department"]),
        people=(0, 0, loaded["person"]),
        kpis=(0, 0, loaded["kpi"]),
        initiatives=(0, 0, loaded["initiative"]),
        measurements=(0, 0, loaded["kpi_measurement"]),
        checkins=(0, 0, loaded["progress_update"]),
    )


async def test_rows_are_streamed_in_batches(session: AsyncSession) -> None:
    kpi = await make_kpi(session, code="NPS")
    await session.execute(
        text(
            "INSERT INTO kpi_measurement (kpi_id, measured_on, value, source)"
            " SELECT :kpi, DATE '2000-01-01' + n, n, '' FROM generate_series(1, 2500) AS n"
        ),
        {"kpi": kpi.id},
    )
    sizes = [len(rows) async for rows in export.batches(session, "measurements")]
    assert sizes == [export.BATCH, 2500 - export.BATCH]
    assert await export.count_rows(session, ["measurements"]) == {"measurements": 2500}


def test_numbers_are_written_plainly() -> None:
    from decimal import Decimal

    assert export.number_text(Decimal("12.5000")) == "12.5"
    assert export.number_text(Decimal("100")) == "100"
    assert export.number_text(Decimal("0.0000")) == "0"
    assert export.csv_value("money", Decimal("7")) == "7.00"
    assert export.csv_value("date", date(2026, 3, 31)) == "2026-03-31"
    assert export.csv_value("boolean", False) == "false"
    assert export.csv_value("text", None) == ""
