"""Flags without building them all: counts by code and one initiative's flags, before/after,
against a lean hand-written statement; and the triage ranking's cost.

    python bench/bench_flags.py --data-dir /tmp/cdo-bench-triage/pgdata --scale 20000 [--runs 15]

Uses the embedded PostgreSQL in --data-dir (loads `demo --scale N` when it holds no
initiative). Each figure is the median wall time of --runs calls of the service function
(or statement) on one session, after one warm-up call. "before" replays what the code did
before: counts read from the statement that builds every flag row, and an initiative's
flags read from the whole portfolio's list, filtered in Python.
"""

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench_analytics import RESULTS, ensure_data
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from service import migrate
from service.embedded_db import EmbeddedPostgres
from service.portfolio import flag_rows
from service.portfolio import flags as flag_sql
from service.portfolio import service as portfolio
from service.portfolio.flags import INITIATIVE_CODES, ORDERED_CODES
from service.triage import service as triage
from service.triage import sql as triage_sql

# The initiative codes counted in one scan of `initiative`: the lower bound of their counts.
LEAN_COUNTS = """
SELECT
    count(*) FILTER (WHERE status IN ('approved', 'in_progress', 'on_hold')
        AND orientation = 'client_facing' AND enabler_count = 0) AS missing_enabler,
    count(*) FILTER (WHERE status <> 'stopped' AND origin <> 'regulation'
        AND btrim(user_need) = '') AS no_user_need,
    count(*) FILTER (WHERE status <> 'stopped' AND origin = 'technology') AS tech_push,
    count(*) FILTER (WHERE status IN ('approved', 'in_progress', 'on_hold')
        AND kpi_count = 0) AS no_kpi,
    count(*) FILTER (WHERE status IN ('approved', 'in_progress', 'on_hold')
        AND kpi_count > 0 AND shared_kpi_count = 0) AS silo_kpi,
    count(*) FILTER (WHERE status = 'in_progress' AND coalesce(last_check_in_on, start_date,
        created_at::date) < current_date - 30) AS stale_update
FROM initiative"""
LEAN_CODES = ["MISSING_ENABLER", "NO_USER_NEED", "TECH_PUSH", "NO_KPI", "SILO_KPI", "STALE_UPDATE"]


async def timed(runs: int, call: Callable[[], Awaitable[Any]]) -> float:
    """Median milliseconds of `runs` calls, after one warm-up."""
    await call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 1)


def _old_sql(codes: list[Any]) -> str:
    """The flag statement as it was: the same branches, without the triage columns."""
    sql = flag_sql.flags_sql(codes, department=False, owner_line=False)
    return sql.replace(triage_sql.PAGE_COLUMNS, "").replace(triage_sql.PAGE_JOINS, "")


async def _old_rows(session: AsyncSession, codes: list[Any], limit: int) -> list[Any]:
    params = await portfolio.flag_params(session, flag_rows.FlagScope(), None)
    params |= {"after_rank": -1, "after_code": "", "after_entity": "", "limit": limit}
    return list((await session.execute(text(_old_sql(codes)), params)).all())


async def _old_counts(session: AsyncSession, codes: list[Any]) -> dict[str, int]:
    """Before: the counts came from the statement that materialises every flag row."""
    return dict((await _old_rows(session, codes, 1))[0].counts)


async def measure(session: AsyncSession, runs: int) -> dict[str, Any]:
    every = list(ORDERED_CODES)
    lean_codes = [c for c in every if c.value in LEAN_CODES]
    some = (await session.execute(text("SELECT id FROM initiative ORDER BY id LIMIT 1"))).scalar()
    figures = {
        "initiatives": (await session.execute(text("SELECT count(*) FROM initiative"))).scalar(),
        "flags": sum((await portfolio.list_flags(session, limit=0)).counts.values()),
    }

    async def new_lean_codes() -> Any:
        return await portfolio.list_flags(session, codes=lean_codes, limit=0)

    async def one_before() -> Any:
        # Every flag built (its sentence too), then filtered in Python.
        rows = await _old_rows(session, every, 1_000_001)
        told = [(row, flag_sql.message(row)) for row in rows if row.code is not None]
        return [r for r, _ in told if r.entity_type == "initiative" and r.entity_id == some]

    async def one_after() -> Any:
        return await portfolio.list_flags(session, initiatives=[some], limit=1_000_000)

    figures |= {
        "counts_all_before_ms": await timed(runs, lambda: _old_counts(session, every)),
        "counts_all_after_ms": await timed(runs, lambda: portfolio.list_flags(session, limit=0)),
        "counts_6_codes_before_ms": await timed(runs, lambda: _old_counts(session, lean_codes)),
        "counts_6_codes_after_ms": await timed(runs, new_lean_codes),
        "counts_6_codes_lean_sql_ms": await timed(runs, lambda: session.execute(text(LEAN_COUNTS))),
        "one_initiative_before_ms": await timed(max(3, runs // 5), one_before),
        "one_initiative_after_ms": await timed(runs, one_after),
        "ranked_to_act_on_page_ms": await timed(runs, lambda: triage.rank_flags(session)),
        "severity_list_page_before_ms": await timed(runs, lambda: _old_rows(session, every, 201)),
        "severity_list_page_after_ms": await timed(runs, lambda: portfolio.list_flags(session)),
        "first_seen_refresh_ms": await timed(3, lambda: triage.refresh(session)),
    }
    assert INITIATIVE_CODES  # the per-initiative path computes only these codes
    return figures


async def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    await ensure_data(url, args.scale)
    engine = create_async_engine(url)
    try:
        async with async_sessionmaker(engine)() as session:
            figures = await measure(session, args.runs)
            await session.rollback()  # the refresh's rows are not kept
    finally:
        await engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench-triage/pgdata"))
    parser.add_argument("--scale", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    embedded = EmbeddedPostgres(args.data_dir, cleanup="stop")
    url = embedded.start()
    try:
        migrate.upgrade(url)
        figures = asyncio.run(run(url, args))
    finally:
        embedded.stop()
    print(json.dumps(figures, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"flags-{figures['initiatives']}.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
