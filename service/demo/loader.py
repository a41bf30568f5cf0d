"""Load demo data into a migrated database: the curated company or a synthetic one.

The curated company is data (`service.demo.dataset`), loaded through the import a CDO
office upload goes through (read, check, write, audited), as the system actor.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

from rich.console import Console
from rich.table import Table
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from service.actor import SYSTEM
from service.demo import dataset, guard, story, synthetic
from service.portfolio import snapshots as portfolio_snapshots
from service.transfer import service as transfer_service
from service.transfer.limits import ImportLimits

__all__ = ["load", "load_company", "load_demo_if_empty", "print_counts", "tell_story"]


# The tables the demo fills, in the order the counts are shown.
TABLES = synthetic.TABLES
COUNTS_SQL = "SELECT " + ", ".join(f"(SELECT count(*) FROM {t}) AS {t}" for t in TABLES)


async def load_company(session: AsyncSession, *, today: date | None = None) -> dict[str, int]:
    """Import the demo company as of `today` (flushed, not committed); the rows per table.

    Raises ImportRejected, and writes nothing, when a data file has a problem.
    """
    today = today or date.today()
    data = await asyncio.to_thread(dataset.archive, today)
    await transfer_service.import_file(
        session, SYSTEM, data, dataset.ARCHIVE_NAME, limits=ImportLimits()
    )
    counts = (await session.execute(text(COUNTS_SQL))).one()
    return dict(zip(TABLES, counts, strict=True))


@asynccontextmanager
async def _transaction(url: str) -> AsyncIterator[AsyncSession]:
    """One session in one transaction, committed on success, on a throw-away engine."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
            await session.execute(text(guard.LOCK_SQL))
            yield session
    finally:
        await engine.dispose()


async def load(url: str, console: Console, *, scale: int = 0, seed: int = 42) -> dict[str, int]:
    """Load the demo company, or a synthetic one of `scale` initiatives, into an empty database.

    Raises Conflict (code `database_not_empty`) when portfolio data already exists.
    """
    if scale > 0:
        loaded = await asyncio.to_thread(synthetic.generate, url, console, scale=scale, seed=seed)
        print_counts(console, f"Synthetic company of {scale:,} initiatives loaded", loaded)
        return loaded
    async with _transaction(url) as session:
        counts = tuple((await session.execute(text(guard.COUNTS_SQL))).one())
        if (error := guard.refusal(counts)) is not None:
            raise error
        with console.status("Loading the demo company..."):
            loaded = await load_company(session)
            await portfolio_snapshots.backfill_snapshots(session, months=18)
            await story.tell(session, date.today())
    print_counts(console, "Demo company loaded", loaded)
    return loaded


async def load_demo_if_empty(url: str, console: Console) -> bool:
    """Load the demo company into an empty database (no portfolio data, no account).

    Return whether the database now holds exactly the demo company (loaded now or before);
    a database holding anything else is left untouched. The story (`tell_story`) comes
    after the demo accounts, so that the change requests are the heads' own.
    """
    async with _transaction(url) as session:
        counts = tuple((await session.execute(text(guard.COUNTS_SQL))).one())
        accounts = await session.scalar(text(guard.ACCOUNTS_SQL))
        if guard.refusal(counts) is not None or accounts:
            is_demo = await guard.holds_only_the_demo(session)
            if is_demo:
                console.print("The database holds the demo company: keeping it.")
            else:
                console.print(
                    "The database already holds data other than the demo company: serving it "
                    "unchanged (no demo data and no demo account added)."
                )
            return is_demo
        with console.status("Loading the demo company..."):
            loaded = await load_company(session)
            await portfolio_snapshots.backfill_snapshots(session, months=18)
    print_counts(console, "Demo company loaded", loaded)
    return True


async def tell_story(url: str) -> bool:
    """Seed the demo's decision room once its accounts exist (see `story`); False when the
    database had it already."""
    async with _transaction(url) as session:
        return await story.tell(session, date.today())


def print_counts(console: Console, title: str, counts: dict[str, int]) -> None:
    """The title, then a two-column table of rows per table."""
    console.print(title)
    table = Table()
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
