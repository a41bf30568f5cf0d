"""Why each linked KPI moves (`initiatives.kpi_rationales`), checked against the row's
`kpi_links` and laid onto them for the write."""

from decimal import Decimal
from typing import Any

from service.transfer.plan import Plan, Problems

SHEET = "initiatives"
COLUMN = "kpi_rationales"


def check(plan: Plan, problems: Problems) -> None:
    """Refuse a rationale for a KPI its row does not link (or a file without `kpi_links`)."""
    sheet = plan.sheet(SHEET)
    if sheet is None or COLUMN not in sheet.present:
        return
    if "kpi_links" not in sheet.present:
        message = f"{COLUMN} explains the KPIs of kpi_links: add the kpi_links column too."
        problems.add(SHEET, 1, COLUMN, message, "missing_column")
        return
    for row in sheet.rows:
        linked = {code for code, _ in row.values.get("kpi_links") or []}
        for code, _ in row.values.get(COLUMN) or []:
            if code not in linked:
                message = f"A rationale for '{code}', which kpi_links does not list on this row."
                problems.add(SHEET, row.number, COLUMN, message, "rationale_without_link")


def explained(
    plan: Plan, links: list[tuple[Any, str, Decimal]]
) -> list[tuple[Any, str, Decimal, str]]:
    """(initiative, KPI, weight, rationale) of each link; "" where the file gives none."""
    sheet = plan.sheet(SHEET)
    given: dict[tuple[Any, str], str] = {}
    if sheet is not None:
        key = sheet.entity.key[0]
        for row in sheet.rows:
            for code, rationale in row.values.get(COLUMN) or []:
                given[(row.values[key], code)] = rationale
    return [(owner, code, weight, given.get((owner, code), "")) for owner, code, weight in links]
