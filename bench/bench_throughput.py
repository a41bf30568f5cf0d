"""Requests per second of small reads, ours against PostGraphile 4, both with 2 workers.

    python bench/bench_throughput.py [--scale 100000] [--reuse] [--seconds 5] [--rounds 3]

Uses the database of bench_graphql.py (`cdo_bench_graphql` in its --data-dir; --reuse keeps
one that already holds N initiatives). Ours runs under `uvicorn --workers 2` with a real API
token of the CDO office (the credential cache at its default); PostGraphile 4 under
`--cluster-workers 2`, without authentication. The load comes from `hey` (Debian's `hey`
package: `apt-get install hey`). Cases, each at concurrency 1, 8 and 32:

- the small query `{ initiatives(first: 20) { nodes { code department { name } } } }`
  against `allInitiatives(first: 20)` with the department's name;
- our REST list of 100 (`GET /api/v1/initiatives?limit=100`) against
  `allInitiatives(first: 100)` selecting the same fields as the REST items carry.

Runs are interleaved (ours, theirs, ours, theirs… for --rounds rounds) and the script reports
the medians of req/s, p50 and p99 latency, the app CPU per request (user + system time of
the server's processes) and the load average, and writes JSON under bench/results/.
"""

import argparse
import asyncio
import csv
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bench_graphql
import harness
import httpx
import throughput
from rich.console import Console
from rich.table import Table

from service.embedded_db import EmbeddedPostgres

RESULTS = Path(__file__).resolve().parent / "results"
CONCURRENCY = (1, 8, 32)
WORKERS = 2
SMALL_OURS = "{ initiatives(first: 20) { nodes { code department { name } } } }"
SMALL_THEIRS = (
    "{ allInitiatives(first: 20, orderBy: ID_ASC)"
    " { nodes { code departmentByDepartmentId { name } } } }"
)
console = Console(width=140)


@dataclass(frozen=True)
class Request:
    """One request `hey` repeats."""

    url: str
    method: str = "GET"
    body: str | None = None
    headers: tuple[str, ...] = ()

    def hey(self, concurrency: int, seconds: float) -> list[str]:
        command = ["hey", "-z", f"{seconds:g}s", "-c", str(concurrency), "-m", self.method]
        command += ["-o", "csv"]  # every request's time and status
        for header in self.headers:
            command += ["-H", header]
        if self.body is not None:
            command += ["-T", "application/json", "-d", self.body]
        return [*command, self.url]

    def check(self) -> int:
        """Send it once; the response's size, or fail on an error."""
        content = None if self.body is None else self.body.encode()
        headers = dict(h.split(": ", 1) for h in self.headers)
        if content is not None:
            headers["Content-Type"] = "application/json"
        response = httpx.request(self.method, self.url, content=content, headers=headers)
        if response.status_code != 200 or b'"errors"' in response.content[:200]:
            raise SystemExit(f"{self.url}: {response.status_code} {response.text[:300]}")
        return len(response.content)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench-graphql/pgdata"))
    parser.add_argument("--scale", type=int, default=100_000, help="Initiatives to load.")
    parser.add_argument("--reuse", action="store_true", help="Keep an already loaded database.")
    parser.add_argument("--seconds", type=float, default=5.0, help="Per run.")
    parser.add_argument("--rounds", type=int, default=3, help="Interleaved runs per figure.")
    parser.add_argument("--only", default="", help="Only the cases whose name contains this.")
    return parser.parse_args()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def rest_fields(rest: Request, graphql: str) -> str:
    """PostGraphile's Initiative fields that the REST items carry (by camelCase name)."""
    item = httpx.get(rest.url, headers=dict(h.split(": ", 1) for h in rest.headers)).json()
    keys = {_camel(key) for key in item["items"][0]}
    query = '{ __type(name: "Initiative") { fields { name type { kind ofType { kind } } } } }'
    fields = httpx.post(graphql, json={"query": query}).json()["data"]["__type"]["fields"]
    scalar = {"SCALAR", "ENUM"}
    names = [
        f["name"]
        for f in fields
        if f["name"] in keys
        and (f["type"]["kind"] in scalar or f["type"]["ofType"]["kind"] in scalar)
    ]
    return " ".join(names)


def cases(ours: str, theirs: str, token: str) -> dict[str, dict[str, Request]]:
    """Each case: the request to send to each server."""
    auth = (f"Authorization: Bearer {token}",)
    graphql = f"{ours}/graphql"
    rest = Request(f"{ours}/api/v1/initiatives?limit=100", headers=auth)
    fields = rest_fields(rest, theirs)
    list_theirs = f"{{ allInitiatives(first: 100, orderBy: ID_ASC) {{ nodes {{ {fields} }} }} }}"
    return {
        "small query (20 + department)": {
            "ours": Request(graphql, "POST", json.dumps({"query": SMALL_OURS}), auth),
            "postgraphile": Request(theirs, "POST", json.dumps({"query": SMALL_THEIRS})),
        },
        "list of 100 (ours: REST)": {
            "ours": rest,
            "postgraphile": Request(theirs, "POST", json.dumps({"query": list_theirs})),
        },
    }


def load(request: Request, concurrency: int, seconds: float) -> dict[str, float]:
    """One `hey` run: requests/s, p50 and p99 in ms (from every request's time), responses."""
    output = subprocess.run(
        request.hey(concurrency, seconds), capture_output=True, text=True
    ).stdout
    rows = list(csv.DictReader(io.StringIO(output)))
    if not rows or "status-code" not in rows[0]:
        raise SystemExit(f"{request.url}: no responses {output[-500:]}")
    statuses = Counter(row["status-code"] for row in rows)
    if set(statuses) != {"200"}:  # (hey's CSV leaves out requests that failed to connect)
        raise SystemExit(f"{request.url}: statuses {dict(statuses)} {output[-500:]}")
    times = [float(row["response-time"]) * 1000 for row in rows]
    span = max(float(row["offset"]) + float(row["response-time"]) for row in rows)
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "rps": len(rows) / span,
        "p50": statistics.median(times),
        "p99": cuts[98],
        "n": len(rows),
    }


def measure(
    servers: dict[str, subprocess.Popen[bytes]],
    requests: dict[str, Request],
    concurrency: int,
    args: argparse.Namespace,
) -> dict[str, dict[str, Any]]:
    """Interleaved rounds of one case at one concurrency; medians by server."""
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in requests}
    loads: list[float] = []
    for _ in range(args.rounds):
        for name, request in requests.items():
            cpu = harness.cpu_seconds(servers[name])
            run = load(request, concurrency, args.seconds)
            run["cpu_ms"] = (harness.cpu_seconds(servers[name]) - cpu) * 1000 / run["n"]
            runs[name].append(run)
            loads.append(os.getloadavg()[0])
    return {
        name: {
            "rps": round(statistics.median(r["rps"] for r in got), 1),
            "p50_ms": round(statistics.median(r["p50"] for r in got), 2),
            "p99_ms": round(statistics.median(r["p99"] for r in got), 2),
            "app_cpu_ms_per_request": round(statistics.median(r["cpu_ms"] for r in got), 3),
            "rps_runs": [round(r["rps"], 1) for r in got],
            "load_average_1m": round(statistics.median(loads), 2),
        }
        for name, got in runs.items()
    }


def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Both servers up on the same database; every case, concurrency and round."""
    token = asyncio.run(throughput.bench_token(url))
    ours, base = harness.serve_uvicorn(url, WORKERS)
    theirs, endpoint = bench_graphql.serve_postgraphile(url, WORKERS)
    servers = {"ours": ours, "postgraphile": theirs}
    figures: dict[str, Any] = {}
    try:
        for case, requests in cases(base, endpoint, token).items():
            if args.only not in case:
                continue
            sizes = {name: request.check() for name, request in requests.items()}
            for request in requests.values():
                load(request, 4, 2)  # warm up
            for concurrency in CONCURRENCY:
                row = measure(servers, requests, concurrency, args)
                row["ratio_rps"] = round(row["ours"]["rps"] / row["postgraphile"]["rps"], 2)
                row["bytes"] = sizes
                figures[f"{case} @{concurrency}"] = row
                console.print(f"{case} @{concurrency}: {row}")
    finally:
        harness.stop(ours)
        harness.stop(theirs)
    return figures


def report(results: dict[str, Any]) -> None:
    """Print the table and write the JSON."""
    table = Table(title=f"Throughput, {WORKERS} workers each, scale {results['scale']:,}")
    columns = ("case", "server", "req/s", "p50 ms", "p99 ms", "app CPU ms/req", "load avg")
    for column in columns:
        table.add_column(column, justify="left" if column in ("case", "server") else "right")
    keys = ("rps", "p50_ms", "p99_ms", "app_cpu_ms_per_request", "load_average_1m")
    for case, row in results["cases"].items():
        for server in ("ours", "postgraphile"):
            label = f"{case} (x{row['ratio_rps']})" if server == "ours" else ""
            table.add_row(label, server, *(str(row[server][key]) for key in keys))
    console.print(table)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"throughput-{results['scale']}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    console.print(f"Written to {path}")


def main() -> None:
    args = parse_args()
    if shutil.which("hey") is None:
        raise SystemExit("The load comes from hey: apt-get install hey")
    server = EmbeddedPostgres(args.data_dir, cleanup=None)
    try:
        url, load_seconds = bench_graphql.prepare(server, args.scale, args.reuse)
        started = time.perf_counter()
        figures = run(url, args)
    finally:
        server.stop()
    report(
        {
            "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
            "scale": args.scale,
            "load_seconds": load_seconds,
            "seconds_per_run": args.seconds,
            "rounds": args.rounds,
            "load_generator": "hey " + hey_version(),
            "workers": {"ours": "uvicorn --workers 2", "postgraphile": "--cluster-workers 2"},
            "elapsed_seconds": round(time.perf_counter() - started, 1),
            "cases": figures,
        }
    )


def hey_version() -> str:
    """The installed hey package's version (hey itself prints none)."""
    found = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Version}", "hey"], capture_output=True, text=True
    )
    return found.stdout or "(not from dpkg)"


if __name__ == "__main__":
    main()
