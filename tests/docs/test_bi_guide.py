"""Every example of docs/bi-guide.md runs against the served demo, with the role it names:
the command lines with bash, the GraphQL documents (those inside the Power Query functions
too) over HTTP, the Python scripts with the gql the project installs."""

import json
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.docs.blocks import REPO, Block, blocks
from tests.docs.conftest import CDO, Demo

GUIDE = REPO / "docs" / "bi-guide.md"
# The examples this module runs, by language: a new example fails this count until a test
# below runs it.
EXAMPLES = {"bash": 1, "graphql": 2, "m": 3, "python": 2}
_M_QUERY = re.compile(r'Query = "(.*?)",\n', re.DOTALL)


def _example(language: str, starts: str) -> Block:
    return next(b for b in blocks(GUIDE, language) if b.text.startswith(starts))


def _graphql(demo: Demo, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(
        f"{demo.base}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return dict(body["data"])


def _python(demo: Demo, block: Block, token: str, folder: Path) -> subprocess.CompletedProcess:
    script = folder / f"example_{block.line}.py"
    script.write_text(block.text)
    return subprocess.run(
        [sys.executable, str(script)],
        env=demo.env | {"PORTFOLIO_URL": demo.base, "PORTFOLIO_TOKEN": token},
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _bi_time(moment: datetime) -> str:
    # As the Power Query functions send it: DateTimeZone.ToText(..., "yyyy-MM-ddTHH:mm:ssZ").
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_every_example_of_the_guide_is_one_this_module_runs() -> None:
    found: dict[str, int] = {}
    for block in blocks(GUIDE):
        found[block.language] = found.get(block.language, 0) + 1
    assert found == EXAMPLES


def test_the_demo_bi_token_stays_valid_across_a_restart(demo: Demo) -> None:
    first, after_restart = demo.bi_tokens
    assert first == after_restart
    me = httpx.get(
        f"{demo.base}/api/v1/auth/me", headers={"Authorization": f"Bearer {first}"}, timeout=30
    )
    assert (me.status_code, me.json()["role"]) == (200, "bi_reader")


def test_the_account_commands_make_a_bi_reader_token(demo: Demo) -> None:
    block = _example("bash", "cdo-portfolio create-account")
    ran = subprocess.run(
        ["bash", "-c", f"set -euo pipefail\n{block.text}"],
        env=demo.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    token = ran.stdout.strip().splitlines()[-1]
    data = _graphql(demo, token, "{ initiatives(first: 1) { nodes { code } } }", {})
    assert data == {"initiatives": {"nodes": [{"code": "INI-001"}]}}


def test_the_audit_example_reads_the_trail_and_a_history_as_the_cdo_office(demo: Demo) -> None:
    block = _example("graphql", "query($after: String)")
    data = _graphql(demo, demo.token(CDO), block.text, {"after": None})
    assert data["auditEvents"]["nodes"], data
    assert data["initiative"]["history"]["nodes"], data


def test_the_grafana_panel_query_returns_a_kpi_series(demo: Demo) -> None:
    block = _example("graphql", "{\n  kpiMeasurements(")
    kpis = _graphql(demo, demo.bi_token, "{ kpis(first: 1) { nodes { databaseId code } } }", {})
    kpi = kpis["kpis"]["nodes"][0]
    query = (
        block.text.replace("${kpi_id}", str(kpi["databaseId"]))
        .replace("${__from:date:YYYY-MM-DD}", (date.today() - timedelta(days=365)).isoformat())
        .replace("${__to:date:YYYY-MM-DD}", date.today().isoformat())
    )
    nodes = _graphql(demo, demo.bi_token, query, {})["kpiMeasurements"]["nodes"]
    assert nodes and {n["kpiCode"] for n in nodes} == {kpi["code"]}


def test_the_power_query_functions_send_queries_the_server_answers(demo: Demo) -> None:
    queries = [q for b in blocks(GUIDE, "m") for q in _M_QUERY.findall(b.text)]
    assert len(queries) == 2  # fnInitiatives, fnDeletedIds (fnGraphQL sends them)
    initiatives, deleted = queries
    now = datetime.now(UTC)
    whole = _graphql(demo, demo.bi_token, initiatives, {"after": None, "since": None})
    assert len(whole["initiatives"]["nodes"]) >= 38
    recent = {"after": None, "since": _bi_time(now - timedelta(days=1))}
    assert _graphql(demo, demo.bi_token, initiatives, recent)["initiatives"]["nodes"]
    variables = {"after": None, "since": _bi_time(now - timedelta(days=390)), "types": ["kpi"]}
    data = _graphql(demo, demo.bi_token, deleted, variables)
    assert data["deletions"]["pageInfo"]["hasNextPage"] is False


def test_the_python_copy_drops_a_deleted_initiative(demo: Demo, tmp_path: Path) -> None:
    block = _example("python", '"""Keep a copy')
    first = _python(demo, block, demo.bi_token, tmp_path)
    assert first.returncode == 0, first.stderr
    copy = json.loads((tmp_path / "portfolio-copy.json").read_text())["initiatives"]
    assert copy["37"]["code"] == "INI-037"

    cdo = {"Authorization": f"Bearer {demo.token(CDO)}"}
    read = httpx.get(f"{demo.base}/api/v1/initiatives/37", headers=cdo, timeout=30)
    etag = {"If-Match": read.headers["etag"]}
    gone = httpx.delete(f"{demo.base}/api/v1/initiatives/37", headers=cdo | etag, timeout=30)
    assert gone.status_code == 204, gone.text

    second = _python(demo, block, demo.bi_token, tmp_path)
    assert second.returncode == 0, second.stderr
    after = json.loads((tmp_path / "portfolio-copy.json").read_text())["initiatives"]
    assert sorted(after, key=int) == sorted(set(copy) - {"37"}, key=int)
    assert second.stdout == f"{len(copy) - 1} initiatives in the copy\n"


def test_the_python_check_in_needs_a_token_allowed_to_write(demo: Demo, tmp_path: Path) -> None:
    block = _example("python", '"""Push a check-in')
    refused = _python(demo, block, demo.bi_token, tmp_path)
    assert (refused.returncode, refused.stderr) == (1, "refused: forbidden\n")
    finance_head = demo.token(demo.email("department_head", "finance"))
    pushed = _python(demo, block, finance_head, tmp_path)
    assert pushed.returncode == 0, pushed.stderr
    assert pushed.stdout.endswith("'initiative': {'code': 'INI-002', 'health': 'amber'}}\n")
