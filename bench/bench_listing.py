"""An incremental pull (`updated_since` one hour ago) at 20,000 initiatives: the plans.

    python bench/bench_listing.py [--scale 20000] [--runs 7]

Starts an embedded PostgreSQL in a temporary folder, migrates a scratch database and
fills it in SQL: N initiatives changed over the past year, four check-ins each, and in the
last hour 1% of the initiatives edited and 1% given a check-in (half of them back-dated).
Then it runs the first page (ORDER BY id LIMIT 101) and the whole pull of three forms of
the filter under EXPLAIN (ANALYZE): the REST list as it was (the row, or its latest
check-in), the GraphQL connection as it was (the row, or EXISTS a check-in since), and the
filter layer's (`greatest(updated_at, figures_changed_at)`, indexed). Prints the median
execution time and the plan's top node, rows found, and writes them under bench/results/.
"""

import argparse
import json
import statistics
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import scratch
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from service import migrate
from service.embedded_db import EmbeddedPostgres
from service.listing import initiatives as listing

FILL = """
INSERT INTO department (code, name) VALUES ('ops', 'Operations');
INSERT INTO person (name, email, title, department_id)
    SELECT 'Owner', 'owner@example.com', 'Lead', id FROM department;
INSERT INTO initiative (code, title, description, department_id, owner_id, status,
                        orientation, client_share, origin, user_need, target_users,
                        is_experiment, hypothesis, lessons_learned, budget_planned,
                        updated_at, created_at)
    SELECT 'INI-' || n, 'Initiative ' || n, '', d.id, p.id, 'in_progress', 'internal', 0,
           'user_need', 'Re-keying', '', false, '', '', 1000,
           now() - (n % 365 + 2) * interval '1 day', now() - interval '400 days'
    FROM generate_series(1, {scale}) n, department d, person p;
INSERT INTO progress_update (initiative_id, reported_on, percent_complete, health,
                             spent_to_date, summary, blockers, next_steps, created_at)
    SELECT i.id, current_date - 400 + k * 30, 10 * k, 'green', 0, 'Week ' || k, '', '',
           now() - interval '400 days' + k * interval '30 days'
    FROM initiative i, generate_series(1, 4) k;
UPDATE initiative SET updated_at = now() - interval '10 minutes' WHERE id % 100 = 0;
INSERT INTO progress_update (initiative_id, reported_on, percent_complete, health,
                             spent_to_date, summary, blockers, next_steps, created_at)
    SELECT id, CASE WHEN id % 2 = 0 THEN current_date - 390 ELSE current_date END, 50,
           'amber', 0, 'Late news', '', '', now() - interval '5 minutes'
    FROM initiative WHERE id % 100 = 50;
ANALYZE;
"""
LATEST = "LEFT JOIN progress_update latest ON latest.id = i.last_check_in_id"
FORMS = {
    "rest before": f"""SELECT i.id FROM initiative i {LATEST}
        WHERE i.updated_at >= %(since)s OR latest.created_at >= %(since)s""",
    "graphql before": """SELECT i.id FROM initiative i
        WHERE i.updated_at >= %(since)s OR EXISTS (SELECT FROM progress_update u
            WHERE u.initiative_id = i.id AND u.created_at >= %(since)s)""",
}


def _after_form() -> str:
    """The filter layer's condition, as the REST list runs it (with its latest check-in)."""
    f = listing.InitiativeFilters(updated_since=datetime.now(UTC))
    (condition,) = listing.conditions(f)
    rendered = str(condition.compile(dialect=postgresql.dialect()))
    assert rendered.startswith("greatest(initiative.updated_at, initiative.figures_changed_at) >=")
    return f"""SELECT i.id FROM initiative i {LATEST}
        WHERE greatest(i.updated_at, i.figures_changed_at) >= %(since)s"""


def _measure(conn: psycopg.Connection, sql: str, runs: int) -> dict[str, Any]:
    times, plan = [], None
    for _ in range(runs):
        row = conn.execute(
            f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}",
            {"since": conn.execute("SELECT now() - interval '1 hour'").fetchone()[0]},  # type: ignore[index]
        ).fetchone()
        assert row is not None
        plan = row[0][0]
        times.append(plan["Execution Time"])
    assert plan is not None
    top = plan["Plan"]
    nodes = []

    def walk(node: dict[str, Any]) -> None:
        nodes.append(node["Node Type"] + (f" {node['Index Name']}" if "Index Name" in node else ""))
        for child in node.get("Plans", []):
            walk(child)

    walk(top)
    return {"ms_p50": round(statistics.median(times), 3), "rows": top["Actual Rows"], "plan": nodes}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cdo-bench-listing-"))
    server = EmbeddedPostgres(folder / "pgdata", cleanup="delete")
    url = server.start()
    try:
        db = scratch.recreate(server, url, "cdo_bench_listing")
        migrate.upgrade(db)
        libpq = sa.engine.make_url(db).set(drivername="postgresql")
        with psycopg.connect(libpq.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(FILL.format(scale=args.scale))  # type: ignore[arg-type]
            forms = FORMS | {"filter layer": _after_form()}
            results: dict[str, Any] = {}
            for name, sql in forms.items():
                results[name] = {
                    "first page": _measure(conn, f"{sql} ORDER BY 1 LIMIT 101", args.runs),
                    "whole pull": _measure(conn, sql, args.runs),
                }
                for part, figures in results[name].items():
                    print(
                        f"{name:15} {part:11} {figures['ms_p50']:9.3f} ms"
                        f" {figures['rows']:6} rows  {' > '.join(figures['plan'][:4])}"
                    )
        out = Path(__file__).parent / "results" / f"listing-{args.scale}.json"
        out.write_text(json.dumps({"scale": args.scale, "results": results}, indent=2))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
