"""Import templates: empty files with the expected columns and example rows.

The examples are rows of the demo company (Northbridge Home): its finance department, the
compliance initiative INI-004 with its owner, sponsor and KPI, a measurement and a check-in.
So each template imports as downloaded into the demo (where the rows exist, nothing
changes), and the example rows of the six sheets fit together: the whole template workbook
also imports cleanly into an empty database. The irritants template (CSV only) names an
account, a department and an initiative of the demo company, where it imports as it is;
its `votes` column is left blank: votes are exported as a count and ignored on import.
"""

import csv
import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from service.transfer import headers, xlsx
from service.transfer.columns import ENTITIES
from service.transfer.export import BOM, csv_value
from service.transfer.irritant_columns import IMPORTED_BY_NAME

_CEO = "helene.marchand@northbridge-home.example"
_HEAD = "ingrid.halvorsen@northbridge-home.example"
_OWNER = "greta.hoffmann@northbridge-home.example"
_KPI = "DOC-VALIDATION-TIME"
# Example rows by column name; a column not named here is left blank.
EXAMPLES: dict[str, list[dict[str, Any]]] = {
    "departments": [{"code": "finance", "name": "Finance", "head_email": _HEAD}],
    "people": [
        {
            "email": _CEO,
            "name": "Hélène Marchand",
            "title": "Chief Executive Officer",
            "department_code": None,
            "manager_email": None,
            "is_active": True,
        },
        {
            "email": _HEAD,
            "name": "Ingrid Halvorsen",
            "title": "Chief Financial Officer",
            "department_code": "finance",
            "manager_email": _CEO,
            "is_active": True,
        },
        {
            "email": _OWNER,
            "name": "Greta Hoffmann",
            "title": "Head of Compliance",
            "department_code": "finance",
            "manager_email": _HEAD,
            "is_active": True,
        },
    ],
    "kpis": [
        {
            "code": _KPI,
            "name": "Compliance document validation lead time",
            "definition": "Days from receiving a supplier or trade-customer document to its"
            " validation.",
            "unit": "days",
            "direction": "decrease",
            "perspective": "operations",
            "baseline_value": Decimal("9"),
            "baseline_date": date(2025, 5, 31),
            "target_value": Decimal("2"),
            "target_date": date(2027, 12, 31),
            "cadence": "monthly",
            "department_codes": "finance",
            "driver_codes": "",
        }
    ],
    "initiatives": [
        {
            "code": "INI-004",
            "title": "Automated document validation for compliance",
            "description": "Documents are classified and checked automatically (expiry dates,"
            " signatures, company registry numbers); officers review only the exceptions.",
            "department_code": "finance",
            "owner_email": _OWNER,
            "sponsor_email": _HEAD,
            "status": "in_progress",
            "orientation": "internal",
            "client_share": Decimal("0"),
            "origin": "regulation",
            "user_need": "Compliance officers check supplier certificates, trade-customer"
            " identity files and food-contact declarations by hand; opening a trade account"
            " takes nine days.",
            "target_users": "Compliance officers, trade account managers, procurement",
            "is_experiment": False,
            "hypothesis": "",
            "lessons_learned": "",
            "start_date": date(2026, 3, 1),
            "target_date": date(2027, 4, 30),
            "budget_planned": Decimal("180000.00"),
            "kpi_links": f"{_KPI}:0.8",
            "kpi_rationales": f"{_KPI}: Officers review the exceptions only.",
            "enables": "",
            "depends_on": "",
        }
    ],
    "measurements": [
        {
            "kpi_code": _KPI,
            "measured_on": date(2026, 6, 30),
            "value": Decimal("6.15"),
            "source": "Compliance tracker",
            "recorded_by_email": _HEAD,
        }
    ],
    "checkins": [
        {
            "initiative_code": "INI-004",
            "reported_on": date(2026, 3, 15),
            "author_email": _OWNER,
            "percent_complete": 5,
            "health": "green",
            "confidence": 7,
            "spent_to_date": Decimal("7500.00"),
            "summary": "Kick-off held: team staffed, scope and first milestones agreed with the"
            " sponsor.",
            "blockers": "",
            "next_steps": "Deliver the first increment to pilot users.",
        }
    ],
    "irritants": [
        {
            "department_code": "hr",
            "title": "Transfer requests between stores take a month to answer",
            "description": "A store employee who asks to move to another store waits for two"
            " managers and HR.",
            "process": "internal mobility",
            "severity": "medium",
            "status": "open",
            "status_reason": "",
            "raised_by_email": "amina.benali@northbridge-home.example",
            "raised_at": None,
            "votes": None,
            "initiative_codes": "INI-003",
        }
    ],
}


def example_rows(entity: str, names: Sequence[str]) -> list[tuple[Any, ...]]:
    """The sheet's example rows in its column order (None where the example is silent)."""
    return [tuple(row.get(name) for name in names) for row in EXAMPLES[entity]]


def template_csv(entity: str, locale: str | None = None) -> bytes:
    """The CSV template of one sheet: header (in `locale`) and example rows (UTF-8 with BOM)."""
    spec = IMPORTED_BY_NAME[entity]
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(headers.headers(spec.names, locale))
    kinds = [c.kind for c in spec.columns]
    for row in example_rows(entity, spec.names):
        writer.writerow([csv_value(k, v) for k, v in zip(kinds, row, strict=True)])
    return buffer.getvalue().encode()


def template_xlsx(locale: str | None = None) -> bytes:
    """The workbook template: one sheet per entity, each with its header and example rows,
    sheets and headers named in `locale`."""
    workbook = xlsx.new_workbook()
    for spec in ENTITIES:
        title, header = headers.header(spec.name, locale), headers.headers(spec.names, locale)
        worksheet = xlsx.add_sheet(workbook, title, header)
        kinds = [c.kind for c in spec.columns]
        xlsx.append_rows(worksheet, kinds, example_rows(spec.name, spec.names))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
