"""axe-core (npm, installed in tests/browser/axe by `npm ci`) run inside a page.

Without the package these checks skip locally and fail in CI (CI=true), where .ci/run
installs it. The script is injected as an inline script: the context that runs it must be
opened with `bypass_csp=True` (the pages' policy refuses inline scripts, rightly).
"""

import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

AXE_DIR = Path(__file__).resolve().parent / "axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

# Every chart drawn first: axe must see what a person sees.
CHARTS_DRAWN = """() => [...document.querySelectorAll('.chart-canvas')]
  .every(el => el.getAttribute('data-drawn') === 'true')"""

RUN = """async (blocking) => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter(v => blocking.includes(v.impact))
    .flatMap(v => v.nodes.map(n => ({
      rule: v.id, impact: v.impact, target: n.target.join(" "), why: n.failureSummary,
    })));
}"""


@cache
def axe_source() -> str:
    """axe.min.js; a skip locally, a failure in CI, when `npm ci` has not installed it."""
    if not AXE_JS.is_file():
        message = f"axe-core is not installed: run `npm ci` in {AXE_DIR}."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " CI must install it (.ci/run does).")
        pytest.skip(message)
    return AXE_JS.read_text()


async def serious_violations(page: Any, where: str) -> list[str]:
    """The serious and critical axe violations on the page as shown, one readable line each."""
    await page.wait_for_function(CHARTS_DRAWN)
    if not await page.evaluate("typeof window.axe === 'object'"):
        await page.add_script_tag(content=axe_source())
    found = await page.evaluate(RUN, list(BLOCKING))
    return [
        f"{v['rule']} ({v['impact']}) at {v['target']} on {where}: "
        + " ".join(str(v["why"]).split())
        for v in found
    ]
