"""Why each linked KPI moves (`initiatives.kpi_rationales`), checked against the row's
`kpi_links` and laid onto them for the write."""

from decimal import Decimal
from typing import Any

from service import i18n
from service.i18n import gettext as _
from service.transfer import headers
from service.transfer.plan import Plan, Problems

SHEET = "initiatives"
COLUMN = "kpi_rationales"


def _names() -> dict[str, str]:
    locale = i18n.current()
    return {"column": headers.header(COLUMN, locale), "links": headers.header("kpi_links", locale)}


def check(plan: Plan, problems: Problems) -> None:
    """Refuse a rationale for a KPI its row does not link (or a file without `kpi_links`)."""
    sheet = plan.sheet(SHEET)
    if sheet is None or COLUMN not in sheet.present:
        return
    if "kpi_links" not in sheet.present:
        message = _("%(column)s explains the KPIs of %(links)s: add the %(links)s column too.")
        message %= _names()
        problems.add(SHEET, 1, COLUMN, message, "missing_column")
        return
    for row in sheet.rows:
        linked = {code for code, _weight in row.values.get("kpi_links") or []}
        for code, _text in row.values.get(COLUMN) or []:
            if code not in linked:
                message = _(
                    "A rationale for '%(code)s', which %(links)s does not list on this row."
                ) % {"code": code, **_names()}
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
