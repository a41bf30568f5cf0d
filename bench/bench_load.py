"""Time of `cdo-portfolio demo --scale N` against the COPY lower bound, on the same server.

    python bench/bench_load.py [--scale 20000] [--rounds 1] [--data-dir /tmp/cdo-bench-load/pgdata]

Starts an embedded PostgreSQL in --data-dir (under /tmp). Each round, in fresh migrated
databases:

1. demo: `synthetic.generate` (what `demo --scale N` runs after the migrations): COPY with
   the figure triggers off, the set-based recompute of every maintained figure and its
   check, in one transaction, then VACUUM (ANALYZE). The client's CPU time (row generation
   and COPY formatting in Python) is taken alongside, and the phases the loader reports.
2. COPY lower bound: the rows the demo left (every column, figures included), read back
   with COPY TO, copied into a fresh database in one transaction with every trigger off
   (the foreign keys' too: the superuser's DISABLE TRIGGER ALL), then the same VACUUM
   (ANALYZE). Same indexes, no trigger, no Python. The server's CPU time is taken for both
   (the postmaster's children, those that ended included): on a shared machine the wall
   times move with the others' load, the CPU times much less.
3. COPY with foreign keys: the same, with the user triggers off only, so the foreign-key
   checks run (those of the two small tables that reference each other aside).

Prints a table (one line per round, demo and bound run back to back so that both see the
same load) and the medians of the ratios, and writes bench/results/load-<N>.json with the
load average of each round.
"""

import argparse
import io
import json
import os
import platform
import re
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import psycopg
import scratch
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

from service import migrate
from service.demo import synthetic
from service.embedded_db import EmbeddedPostgres

RESULTS = Path(__file__).resolve().parent / "results"
# Every table the demo writes, the maintained rows included, in foreign-key order.
TABLES = (*synthetic.TABLES, "department_status_total", "initiative_lesson")
# They reference each other (department heads): loaded without their checks in every case.
CIRCULAR = ("department", "person")
PHASES = re.compile(
    r"Rows copied in ([\d.]+) s; maintained figures recomputed in ([\d.]+) s; indexes and"
    r" foreign keys rebuilt in ([\d.]+) s; figures checked in ([\d.]+) s"
)
console = Console(width=130)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench-load/pgdata"))
    parser.add_argument("--scale", type=int, default=20_000, help="Initiatives to load.")
    parser.add_argument("--rounds", type=int, default=1)
    return parser.parse_args()


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def fresh(server: EmbeddedPostgres, server_url: str, name: str) -> str:
    """A migrated empty database `name`; its application URL."""
    url = scratch.recreate(server, server_url, name)
    migrate.upgrade(url)
    return url


def server_cpu(server: EmbeddedPostgres) -> float:
    """CPU seconds used so far by the server: the postmaster, its live processes and the
    backends it has reaped (a closed connection's). On a shared machine this moves much
    less than wall time when others run."""
    pid = int((server.data_dir / "postmaster.pid").read_text().split()[0])
    postmaster = psutil.Process(pid)
    used = postmaster.cpu_times()
    total = used.user + used.system + used.children_user + used.children_system
    for child in postmaster.children():
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:  # reaped meanwhile: counted in children_* next time
            continue
        total += times.user + times.system
    return total


def demo(server: EmbeddedPostgres, url: str, scale: int) -> dict[str, float]:
    """Load the synthetic company as `demo --scale` does: wall, client and server CPU
    seconds."""
    out = io.StringIO()
    wall, cpu, server_started = time.perf_counter(), time.process_time(), server_cpu(server)
    synthetic.generate(url, Console(file=out, width=200), scale=scale, seed=42)
    figures = {
        "total_s": time.perf_counter() - wall,
        "client_cpu_s": time.process_time() - cpu,
        "server_cpu_s": server_cpu(server) - server_started,
    }
    phases = PHASES.search(out.getvalue())
    assert phases is not None, out.getvalue()
    for name, value in zip(
        ("copy_s", "recompute_s", "rebuild_s", "check_s"), phases.groups(), strict=True
    ):
        figures[name] = float(value)
    return figures


def export(url: str) -> dict[str, list[bytes]]:
    """Every row of TABLES as COPY text."""
    data: dict[str, list[bytes]] = {}
    with psycopg.connect(_libpq(url)) as db, db.cursor() as cursor:
        for table in TABLES:
            with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                data[table] = [bytes(chunk) for chunk in copy]
    return data


def copy_bound(
    server: EmbeddedPostgres, admin_url: str, data: dict[str, list[bytes]], *, foreign_keys: bool
) -> dict:
    """COPY `data` in one transaction with the triggers off (foreign-key checks on when
    asked), then VACUUM (ANALYZE): wall seconds of each, and the server's CPU seconds."""
    server_started = server_cpu(server)
    with psycopg.connect(admin_url) as db, db.cursor() as cursor:
        started = time.perf_counter()
        for table in TABLES:
            which = "USER" if foreign_keys and table not in CIRCULAR else "ALL"
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {which}")
            with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                for chunk in data[table]:
                    copy.write(chunk)
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")
        db.commit()
        copied = time.perf_counter()
    with psycopg.connect(admin_url, autocommit=True) as db:
        db.execute("VACUUM (ANALYZE)")
    vacuumed = time.perf_counter()
    return {
        "copy_s": copied - started,
        "total_s": vacuumed - started,
        "server_cpu_s": server_cpu(server) - server_started,
    }


def one_round(server: EmbeddedPostgres, server_url: str, scale: int) -> dict[str, Any]:
    url = fresh(server, server_url, "cdo_bench_load")
    results: dict[str, Any] = {"load_average": os.getloadavg()[0]}
    results["demo"] = demo(server, url, scale)
    data = export(url)
    for case, foreign_keys in (("copy_bound", False), ("copy_with_foreign_keys", True)):
        fresh(server, server_url, "cdo_bench_load_bound")
        admin = _libpq(server.admin_url("cdo_bench_load_bound"))
        results[case] = copy_bound(server, admin, data, foreign_keys=foreign_keys)
    return results


def _cpu(figures: dict[str, float]) -> float:
    return figures.get("client_cpu_s", 0.0) + figures["server_cpu_s"]


def report(scale: int, rounds: list[dict[str, Any]]) -> None:
    """One line per round, then the medians of the two ratios."""
    table = Table(title=f"Loading {scale:,} initiatives (seconds)")
    for column in ("round", "load", "demo total", "copy", "recompute", "rebuild", "check"):
        table.add_column(column, justify="right")
    for column in ("CPU client+server", "COPY bound (CPU)", "bound with FKs", "wall / bound"):
        table.add_column(column, justify="right")
    table.add_column("CPU / bound", justify="right")
    for number, r in enumerate(rounds, start=1):
        d, bound, fks = r["demo"], r["copy_bound"], r["copy_with_foreign_keys"]
        table.add_row(
            str(number),
            f"{r['load_average']:.1f}",
            f"{d['total_s']:.1f}",
            f"{d['copy_s']:.1f}",
            f"{d['recompute_s']:.1f}",
            f"{d['rebuild_s']:.1f}",
            f"{d['check_s']:.1f}",
            f"{d['client_cpu_s']:.1f}+{d['server_cpu_s']:.1f}",
            f"{bound['total_s']:.1f} ({_cpu(bound):.1f})",
            f"{fks['total_s']:.1f} ({fks['copy_s']:.1f} COPY)",
            f"{d['total_s'] / bound['total_s']:.2f} x",
            f"{_cpu(d) / _cpu(bound):.2f} x",
        )
    console.print(table)
    wall = statistics.median(r["demo"]["total_s"] / r["copy_bound"]["total_s"] for r in rounds)
    cpu = statistics.median(_cpu(r["demo"]) / _cpu(r["copy_bound"]) for r in rounds)
    console.print(f"Medians: {wall:.2f} x the COPY bound's wall time, {cpu:.2f} x its CPU.")


def main() -> None:
    args = parse_args()
    server = EmbeddedPostgres(args.data_dir)
    before = os.getloadavg()
    try:
        server_url = server.start()
        rounds = [one_round(server, server_url, args.scale) for _ in range(args.rounds)]
    finally:
        server.stop()
    report(args.scale, rounds)
    figures = {
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_before": before,
            "load_average_after": os.getloadavg(),
        },
        "initiatives": args.scale,
        "rounds": rounds,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"load-{args.scale}.json"
    path.write_text(json.dumps(figures, indent=2) + "\n")
    console.print(f"Wrote {path}")


if __name__ == "__main__":
    main()
