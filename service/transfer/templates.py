"""Import templates: empty files with the expected columns and one example row.

The example rows of the six sheets fit together: the whole template workbook imports
cleanly into an empty database. The irritants template (CSV only) names an account, a
department and an initiative of the demo company, where it imports as it is; its `votes`
column is left blank: votes are exported as a count and ignored on import.
"""

import csv
import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from service.transfer import xlsx
from service.transfer.columns import ENTITIES
from service.transfer.export import BOM, csv_value
from service.transfer.irritant_columns import IMPORTED_BY_NAME

_HEAD = "amina.benali@example.com"
EXAMPLES: dict[str, Sequence[Any]] = {
    "departments": ("hr", "Human Resources", _HEAD),
    "people": (_HEAD, "Amina Benali", "HR Director", "hr", None, True),
    "kpis": (
        "ENPS",
        "Employee Net Promoter Score",
        "Promoters minus detractors among employees in the quarterly pulse survey.",
        "points",
        "increase",
        "employee",
        Decimal("12"),
        date(2026, 1, 31),
        Decimal("25"),
        date(2026, 12, 31),
        "quarterly",
        "hr",
        "",
    ),
    "initiatives": (
        "INI-001",
        "Internal mobility portal",
        "One place where employees see and apply for open positions across the company.",
        "hr",
        _HEAD,
        None,
        "in_progress",
        "internal",
        Decimal("0"),
        "user_need",
        "Employees cannot see open positions outside their own site.",
        "All employees",
        False,
        "",
        "",
        date(2026, 2, 1),
        date(2026, 9, 30),
        Decimal("120000.00"),
        "ENPS:1",
        "ENPS: Employees who see a way to grow inside recommend the company.",
        "",
        "",
    ),
    "measurements": ("ENPS", date(2026, 3, 31), Decimal("14"), "Quarterly pulse survey", _HEAD),
    "checkins": (
        "INI-001",
        date(2026, 3, 31),
        _HEAD,
        25,
        "green",
        7,
        Decimal("30000.00"),
        "Job board live for two pilot sites.",
        "",
        "Open it to every site.",
    ),
    "irritants": (
        "hr",
        "Transfer requests between stores take a month to answer",
        "A store employee who asks to move to another store waits for two managers and HR.",
        "internal mobility",
        "medium",
        "open",
        "",
        "amina.benali@northbridge-home.example",
        None,
        None,
        "INI-003",
    ),
}


def template_csv(entity: str) -> bytes:
    """The CSV template of one sheet: header and one example row (UTF-8 with BOM)."""
    spec = IMPORTED_BY_NAME[entity]
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(spec.names)
    kinds = [c.kind for c in spec.columns]
    writer.writerow([csv_value(k, v) for k, v in zip(kinds, EXAMPLES[entity], strict=True)])
    return buffer.getvalue().encode()


def template_xlsx() -> bytes:
    """The workbook template: one sheet per entity, each with its header and example row."""
    workbook = xlsx.new_workbook()
    for spec in ENTITIES:
        worksheet = xlsx.add_sheet(workbook, spec.name, spec.names)
        kinds = [c.kind for c in spec.columns]
        xlsx.append_rows(worksheet, kinds, [EXAMPLES[spec.name]])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
