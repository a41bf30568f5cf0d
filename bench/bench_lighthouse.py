"""Lighthouse scores of the main pages on the demo, signed in as the CDO office.

    python bench/bench_lighthouse.py [--data-dir /tmp/cdo-bench-lighthouse/pgdata] [--only flags]

Starts an embedded PostgreSQL in --data-dir, (re)creates the database
`cdo_bench_lighthouse` holding the demo company with its demo accounts and story (as
`cdo-portfolio serve --demo` does), serves the app with uvicorn on a free port, signs in as
the CDO office and runs Lighthouse 12.2.3 (bench/lighthouse/package.json, installed here
with `npm ci` into bench/lighthouse/node_modules, never by CI) with the system Chromium
(/usr/bin/chromium, or $CHROME_PATH) on the dashboard, the initiative list, one initiative
and the flags page, with its desktop and mobile presets; the session cookie goes in
`--extra-headers`. Prints the performance, accessibility and best-practices scores and the
audits that lost points, and writes JSON under bench/results/.
"""

import argparse
import asyncio
import json
import os
import platform
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import harness
import httpx
import scratch
from rich.console import Console
from rich.table import Table

from service import migrate
from service.actor import Role
from service.auth import commands as auth_commands
from service.auth.demo_accounts import DemoLogin
from service.auth.sessions import SESSION_COOKIE
from service.config import Settings
from service.demo import loader
from service.embedded_db import EmbeddedPostgres

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
LIGHTHOUSE_DIR = HERE / "lighthouse"
REPORTS = RESULTS / "lighthouse"  # every run's whole report
DATABASE = "cdo_bench_lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices")
PRESETS = ("desktop", "mobile")
console = Console(width=140)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench-lighthouse/pgdata"))
    parser.add_argument("--only", default="", help="Only the pages whose name contains this.")
    parser.add_argument("--preset", choices=PRESETS, help="Only this preset.")
    return parser.parse_args()


def install_lighthouse() -> Path:
    """Lighthouse as pinned by bench/lighthouse/package-lock.json."""
    binary = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        if shutil.which("npm") is None:
            raise SystemExit("npm is needed to install Lighthouse (apt-get install nodejs npm).")
        console.print("Installing Lighthouse with npm ci...")
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(LIGHTHOUSE_DIR)], check=True
        )
    return binary


def prepare(server: EmbeddedPostgres) -> tuple[str, DemoLogin]:
    """A fresh database holding the demo company, its demo accounts and its story; its URL
    and the CDO office's login."""
    url = scratch.recreate(server, server.start(), DATABASE)
    migrate.upgrade(url)
    asyncio.run(loader.load_demo_if_empty(url, console))
    logins = asyncio.run(auth_commands.demo_accounts(url, Settings(database_url=url)))
    asyncio.run(loader.tell_story(url))
    return url, next(x for x in logins if x.role is Role.cdo_office)


def sign_in(base: str, login: DemoLogin) -> str:
    """The session cookie of a demo login."""
    response = httpx.post(
        f"{base}/api/v1/auth/login", json={"email": login.email, "password": login.secret}
    )
    response.raise_for_status()
    return response.cookies[SESSION_COOKIE]


def pages(base: str, cookie: str) -> dict[str, str]:
    """The pages to audit, by name."""
    cookies = {SESSION_COOKIE: cookie}
    listing = httpx.get(f"{base}/api/v1/initiatives", params={"limit": 1}, cookies=cookies)
    initiative = listing.raise_for_status().json()["items"][0]["id"]
    return {
        "dashboard": f"{base}/",
        "initiatives": f"{base}/initiatives",
        "initiative": f"{base}/initiatives/{initiative}",
        "flags": f"{base}/flags",
    }


def audit(binary: Path, page: str, preset: str, cookie: str, output: Path) -> dict[str, Any]:
    """One Lighthouse run, its whole report kept in `output`: the category scores and the
    audits that lost points."""
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [
        str(binary),
        page,
        "--quiet",
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--extra-headers={json.dumps({'Cookie': f'{SESSION_COOKIE}={cookie}'})}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    subprocess.run(command, check=True, env=os.environ | {"CHROME_PATH": chrome})
    report = json.loads(output.read_text())
    if report.get("runtimeError"):
        raise SystemExit(f"{page}: {report['runtimeError']}")
    if report["finalDisplayedUrl"].rstrip("/") != page.rstrip("/"):
        raise SystemExit(f"{page} ended on {report['finalDisplayedUrl']}: not signed in?")
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    return scores | {"lost": _lost(report)}


def _lost(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The weighted audits under a full score, by category, with their displayed value."""
    lost = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            found = report["audits"][ref["id"]]
            if ref["weight"] and found["score"] is not None and found["score"] < 1:
                lost.append(
                    {
                        "category": name,
                        "audit": ref["id"],
                        "score": found["score"],
                        "value": found.get("displayValue", ""),
                    }
                )
    return lost


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every page with every preset against the demo."""
    binary = install_lighthouse()
    server = EmbeddedPostgres(args.data_dir, cleanup=None)
    try:
        url, login = prepare(server)
        app, base = harness.serve_uvicorn(url, 1)
        try:
            cookie = sign_in(base, login)
            figures: dict[str, Any] = {}
            for name, page in pages(base, cookie).items():
                if args.only not in name:
                    continue
                for preset in [args.preset] if args.preset else PRESETS:
                    output = REPORTS / f"{name}-{preset}.json"
                    figures[f"{name} ({preset})"] = audit(binary, page, preset, cookie, output)
                    console.print(f"{name} ({preset}): {figures[f'{name} ({preset})']}")
        finally:
            harness.stop(app)
    finally:
        server.stop()
    return figures


def report(results: dict[str, Any]) -> None:
    """Print the table and write the JSON."""
    table = Table(title=f"Lighthouse {results['lighthouse']}, demo, CDO office")
    for column in ("page", *CATEGORIES, "lost points on"):
        table.add_column(
            column, justify="left" if column in ("page", "lost points on") else "right"
        )
    for page, row in results["pages"].items():
        lost = ", ".join(sorted({x["audit"] for x in row["lost"]}))
        table.add_row(page, *(str(row[name]) for name in CATEGORIES), lost)
    console.print(table)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "lighthouse-demo.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    console.print(f"Written to {path}")


def main() -> None:
    args = parse_args()
    figures = run(args)
    package = json.loads((LIGHTHOUSE_DIR / "package.json").read_text())
    chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True)
    report(
        {
            "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
            "lighthouse": package["dependencies"]["lighthouse"],
            "chromium": chromium.stdout.strip(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "pages": figures,
        }
    )


if __name__ == "__main__":
    main()
