"""The import templates, as downloaded, import into the demo company: their example rows
name its department, people, KPI and initiative."""

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import SYSTEM
from service.auth.demo_accounts import ensure_demo_accounts
from service.demo import dataset
from service.demo.loader import load_company
from service.transfer.irritant_columns import IMPORTED_BY_NAME
from service.transfer.limits import ImportLimits
from service.transfer.service import import_file
from service.transfer.templates import EXAMPLES

SHEETS = list(IMPORTED_BY_NAME)


async def _demo(session: AsyncSession) -> None:
    """The demo company as `cdo-portfolio demo` loads it (on its reference day), with its
    accounts; the test's transaction removes it."""
    await load_company(session, today=dataset.manifest().reference_day)
    await ensure_demo_accounts(session)


def _written(counts: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {
        sheet: (c.created, c.updated, c.unchanged)
        for sheet, c in counts.items()
        if (c.created, c.updated, c.unchanged) != (0, 0, 0)
    }


# What each template does to the demo: its rows are the demo's own (unchanged), but for
# the irritant, which is new there.
EXPECTED = {
    "departments": {"departments": (0, 0, 1)},
    "people": {"people": (0, 0, 3)},
    "kpis": {"kpis": (0, 0, 1)},
    "initiatives": {"initiatives": (0, 0, 1)},
    "measurements": {"measurements": (0, 0, 1)},
    "checkins": {"checkins": (0, 0, 1)},
    "irritants": {"irritants": (1, 0, 0)},
}


@pytest.mark.parametrize("sheet", SHEETS)
async def test_each_csv_template_imports_into_the_demo(
    client: httpx.AsyncClient, session: AsyncSession, sheet: str
) -> None:
    await _demo(session)
    template = await client.get(f"/api/v1/import/templates/{sheet}.csv")
    assert template.status_code == 200
    report = await import_file(
        session, SYSTEM, template.content, f"{sheet}.csv", limits=ImportLimits()
    )
    assert (report.ok, report.problems) == (True, [])
    assert _written(report.counts) == EXPECTED[sheet]


async def test_the_xlsx_template_imports_into_the_demo(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _demo(session)
    template = await client.get("/api/v1/import/template.xlsx")
    assert template.status_code == 200
    report = await import_file(
        session, SYSTEM, template.content, "template.xlsx", limits=ImportLimits(), dry_run=True
    )
    assert (report.ok, report.problems) == (True, [])
    workbook = {sheet: counts for e in EXPECTED.values() for sheet, counts in e.items()}
    del workbook["irritants"]  # the irritants template is a CSV of its own
    assert _written(report.counts) == workbook


@pytest.mark.parametrize("sheet", SHEETS)
def test_every_example_names_only_columns_of_its_sheet(sheet: str) -> None:
    names = IMPORTED_BY_NAME[sheet].names
    for row in EXAMPLES[sheet]:  # (a column the example leaves out is blank in the file)
        assert set(row) <= set(names), set(row) - set(names)
