"""What tombstones cost: a bulk delete with and without the tombstone trigger, a page of
deletions read from a large tombstone table, and the daily purge.

    python bench/bench_deletions.py [--rows 100000] [--tombstones 1000000] [--data-dir DIR]

Starts an embedded PostgreSQL in --data-dir (under /tmp), (re)creates the database
`cdo_bench_deletions`, migrates it, and measures in SQL (median of 5 runs, each in a
transaction rolled back, so every run deletes the same rows):
- deleting --rows KPI measurements, with the trigger and with it disabled;
- the first page of 1,000 deletions since a day ago, and since 300 days ago of one type,
  among --tombstones spread over 400 days;
- the purge of the tombstones older than 399 days.
Writes bench/results/deletions.json.
"""

import argparse
import json
import platform
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import scratch
from sqlalchemy.engine import make_url

from service import migrate
from service.embedded_db import EmbeddedPostgres

RESULTS = Path(__file__).resolve().parent / "results"
DATABASE = "cdo_bench_deletions"

SEED = """
INSERT INTO department (code, name) VALUES ('bench', 'Bench');
INSERT INTO kpi (code, name, definition, unit, direction, perspective, cadence,
                 baseline_value, target_value)
SELECT 'K' || k, 'KPI ' || k, '', 'pct', 'increase', 'operations', 'monthly', 0, 1
FROM generate_series(1, %(kpis)s) k;
INSERT INTO kpi_measurement (kpi_id, measured_on, value, source)
SELECT kpi.id, date '2000-01-01' + d, d, ''
FROM kpi, generate_series(0, %(days)s - 1) d;
INSERT INTO deletion (entity_type, entity_id, deleted_at)
SELECT (ARRAY['initiative', 'progress_update', 'kpi_measurement', 'initiative_kpi'])[1 + mod(n, 4)],
       n, now() - (400 * (n::float8 / %(tombstones)s)) * interval '1 day'
FROM generate_series(1, %(tombstones)s) n;
ANALYZE;
"""

PAGE = """
SELECT id, entity_type, entity_id, deleted_at FROM deletion
WHERE deleted_at >= %(since)s {types}
ORDER BY deleted_at, id LIMIT 1001
"""


def timed(conn: psycopg.Connection, sql: str, params: dict[str, Any], runs: int = 5) -> float:
    """Median milliseconds of `sql`, each run rolled back."""
    spent = []
    for _ in range(runs):
        with conn.transaction(force_rollback=True):
            start = time.perf_counter()
            cursor = conn.execute(sql, params)
            if cursor.description is not None:
                cursor.fetchall()
            spent.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(spent), 2)


def measure(url: str, rows: int, tombstones: int) -> dict[str, float]:
    kpis, days = 100, rows // 100
    with psycopg.connect(url, autocommit=True) as conn:
        seed = {"kpis": kpis, "days": days, "tombstones": tombstones}
        for statement in SEED.split(";\n"):
            if statement.strip():
                conn.execute(statement, seed)
        delete = "DELETE FROM kpi_measurement"
        found: dict[str, float] = {"delete_with_trigger_ms": timed(conn, delete, {})}
        conn.execute("ALTER TABLE kpi_measurement DISABLE TRIGGER kpi_measurement_tombstone")
        found["delete_without_trigger_ms"] = timed(conn, delete, {})
        conn.execute("ALTER TABLE kpi_measurement ENABLE TRIGGER kpi_measurement_tombstone")
        now = conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index]
        day = {"since": now.replace(microsecond=0) - timedelta(days=1)}
        found["page_since_a_day_ms"] = timed(conn, PAGE.format(types=""), day)
        old = {"since": day["since"] - timedelta(days=299)}
        typed = PAGE.format(types="AND entity_type = ANY(ARRAY['initiative'])")
        found["page_since_300_days_one_type_ms"] = timed(conn, typed, old)
        purge = "DELETE FROM deletion WHERE deleted_at < now() - make_interval(days => 399)"
        found["purge_one_day_ms"] = timed(conn, purge, {})
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--tombstones", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    folder = args.data_dir or Path(tempfile.mkdtemp(prefix="cdo-bench-deletions-"))
    server = EmbeddedPostgres(folder / "pgdata")
    try:
        url = scratch.recreate(server, server.start(), DATABASE)
        migrate.upgrade(url)
        libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        found = measure(libpq, args.rows, args.tombstones)
    finally:
        server.stop()
    found |= {"rows": args.rows, "tombstones": args.tombstones, "machine": platform.node()}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "deletions.json").write_text(json.dumps(found, indent=2) + "\n")
    print(json.dumps(found, indent=2))


if __name__ == "__main__":
    main()
