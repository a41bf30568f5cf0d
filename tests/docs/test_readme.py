"""The README's curl examples run as written against the served demo, as the CDO office."""

import subprocess

import pytest

from tests.docs.blocks import REPO, Block, blocks
from tests.docs.conftest import CDO, Demo

# Every curl answers on its own line; an HTTP error fails the block (as `set -e` would).
PRELUDE = """set -euo pipefail
curl() { command curl --silent --show-error --fail-with-body "$@"; echo; }
"""

CURL_BLOCKS = [b for b in blocks(REPO / "README.md", "bash") if "curl " in b.text]

# What each example's last answer shows, by the line its block starts with.
EXPECTED = {
    "TOKEN=": '"items":[',  # the deletions of today, after the check-in and the change
    'curl -H "$H" -H \'If-Match': '"status":"approved"',
    'curl -H "$H" -H \'content-type': '"disappearing":[',
    'curl -H "$H" "localhost:8000/api/v1/irritants': '"items":[',  # the lessons search
}


def run_bash(block: Block, demo: Demo, variables: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `block` with bash in the checkout, against the served demo."""
    script = PRELUDE + block.text.replace("localhost:8000", demo.base.removeprefix("http://"))
    return subprocess.run(
        ["bash", "-c", script],
        env=demo.env | variables,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_readme_has_the_curl_examples_this_module_checks() -> None:
    starts = [next(k for k in EXPECTED if b.text.startswith(k)) for b in CURL_BLOCKS]
    assert sorted(starts) == sorted(EXPECTED)


@pytest.mark.parametrize("block", CURL_BLOCKS, ids=lambda b: b.name)
def test_a_readme_curl_example_runs_as_written(block: Block, demo: Demo) -> None:
    # Blocks after the first use its `H`; the first makes its own token.
    variables = {"H": f"Authorization: Bearer {demo.token(CDO)}"}
    ran = run_bash(block, demo, variables)
    assert ran.returncode == 0, f"{block.name}\n{ran.stdout}\n{ran.stderr}"
    expected = next(v for k, v in EXPECTED.items() if block.text.startswith(k))
    assert expected in ran.stdout.strip().splitlines()[-1], ran.stdout
