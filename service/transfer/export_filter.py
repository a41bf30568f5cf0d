"""The initiatives sheet of an export, restricted by the filters of the initiative list.

The filters mean what they mean on every surface (`service.listing.initiatives`), so an
export asked with the filters of a REST or GraphQL list holds the same initiatives.
"""

import sqlalchemy as sa

from service.listing import initiatives as listing
from service.transfer.columns import ENTITIES
from service.transfer.export_sql import SHEET_SQL

_HEADER = next(e for e in ENTITIES if e.name == "initiatives").columns


def sheet_statement(name: str, filters: listing.InitiativeFilters | None) -> sa.Executable:
    """The query of sheet `name`; the initiatives sheet keeps only those `filters` match."""
    stmt = sa.text(SHEET_SQL[name])
    if name != "initiatives" or filters is None:
        return stmt
    kept = listing.conditions(filters)
    if not kept:
        return stmt
    sheet = stmt.columns(*(sa.column(c.name) for c in _HEADER)).subquery("sheet")
    codes = sa.select(listing.TABLE.c.code).where(*kept)
    return (
        sa.select(sheet).where(sheet.c.code.in_(codes)).order_by(sa.text('sheet.code COLLATE "C"'))
    )
