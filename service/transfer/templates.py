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
EXAMPLES: dict[str, list[Sequence[Any]]] = {
    "departments": [("finance", "Finance", _HEAD)],
    "people": [
        (_CEO, "Hélène Marchand", "Chief Executive Officer", None, None, True),
        (_HEAD, "Ingrid Halvorsen", "Chief Financial Officer", "finance", _CEO, True),
        (_OWNER, "Greta Hoffmann", "Head of Compliance", "finance", _HEAD, True),
    ],
    "kpis": [
        (
            _KPI,
            "Compliance document validation lead time",
            "Days from receiving a supplier or trade-customer document to its validation.",
            "days",
            "decrease",
            "operations",
            Decimal("9"),
            date(2025, 5, 31),
            Decimal("2"),
            date(2027, 12, 31),
            "monthly",
            "finance",
            "",
        )
    ],
    "initiatives": [
        (
            "INI-004",
            "Automated document validation for compliance",
            "Documents are classified and checked automatically (expiry dates, signatures,"
            " company registry numbers); officers review only the exceptions.",
            "finance",
            _OWNER,
            _HEAD,
            "in_progress",
            "internal",
            Decimal("0"),
            "regulation",
            "Compliance officers check supplier certificates, trade-customer identity files"
            " and food-contact declarations by hand; opening a trade account takes nine days.",
            "Compliance officers, trade account managers, procurement",
            False,
            "",
            "",
            date(2026, 3, 1),
            date(2027, 4, 30),
            Decimal("180000.00"),
            f"{_KPI}:0.8",
            f"{_KPI}: Officers review the exceptions only.",
            "",
            "",
        )
    ],
    "measurements": [(_KPI, date(2026, 6, 30), Decimal("6.15"), "Compliance tracker", _HEAD)],
    "checkins": [
        (
            "INI-004",
            date(2026, 3, 15),
            _OWNER,
            5,
            "green",
            7,
            Decimal("7500.00"),
            "Kick-off held: team staffed, scope and first milestones agreed with the sponsor.",
            "",
            "Deliver the first increment to pilot users.",
        )
    ],
    "irritants": [
        (
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
        )
    ],
}


def template_csv(entity: str, locale: str | None = None) -> bytes:
    """The CSV template of one sheet: header (in `locale`) and example rows (UTF-8 with BOM)."""
    spec = IMPORTED_BY_NAME[entity]
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(headers.headers(spec.names, locale))
    kinds = [c.kind for c in spec.columns]
    for row in EXAMPLES[entity]:
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
        xlsx.append_rows(worksheet, kinds, EXAMPLES[spec.name])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
