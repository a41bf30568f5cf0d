"""The columns of the `irritants` sheet, and every sheet the import reads.

An irritant is matched on its department and title (`department_code`, `title`). The
columns are the ones the export writes:
- `raised_by_email` names the account that raised it (blank: nobody recorded); a new
  irritant counts its raiser's vote;
- `raised_at` is kept when the irritant exists and used when it is created (blank: now);
- `votes` is exported as a count and ignored on import (votes are cast by accounts);
- `status` is `open`, `addressed` or `closed`; `closed` needs a `status_reason`. Between
  `open` and `addressed` the database decides: addressed while a linked initiative is done;
- `initiative_codes` lists the initiatives that address it (`INI-001|INI-002`): the file's
  list replaces the stored one.
"""

from datetime import UTC, datetime
from typing import Any

from schema.enums import IrritantStatus, Severity
from schema.text import LONG_TEXT_MAX, NAME_MAX, NOTE_MAX, TITLE_MAX
from service.transfer import cells
from service.transfer.cells import CellError
from service.transfer.columns import DEPARTMENT_CODE, ENTITIES, INITIATIVE_CODE, Column, Entity


def _moment(raw: Any, decimal_comma: bool) -> datetime:
    """A date and time (ISO 8601, e.g. 2026-11-01T09:30:00Z); UTC when no zone is given."""
    if isinstance(raw, datetime):
        value = raw
    else:
        given = cells.as_text(raw).strip()
        try:
            value = datetime.fromisoformat(given.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            message = f"'{given}' is not a date and time: write it as 2026-11-01T09:30:00Z."
            raise CellError(message, "invalid_datetime") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


IRRITANTS = Entity(
    name="irritants",
    table="irritant",
    key=("department_code", "title"),
    columns=(
        Column(
            "department_code",
            DEPARTMENT_CODE,
            required=True,
            target="department_id",
            ref=("department", "code"),
        ),
        Column("title", cells.text(TITLE_MAX, strip=True), required=True, target="title"),
        Column("description", cells.text(LONG_TEXT_MAX), default="", target="description"),
        Column("process", cells.text(NAME_MAX, strip=True), default="", target="process"),
        Column("severity", cells.enum(Severity), default="medium", target="severity"),
        Column("status", cells.enum(IrritantStatus), default="open", target="status"),
        Column("status_reason", cells.text(NOTE_MAX), default="", target="status_reason"),
        # An account, resolved by service.transfer.irritant_rows (not a person).
        Column("raised_by_email", cells.email, target="raised_by"),
        Column("raised_at", _moment, target="raised_at"),
        # Exported as a count; read as text and never written.
        Column("votes", cells.text(), kind="integer"),
        Column("initiative_codes", cells.code_list(INITIATIVE_CODE), default=[], kind="list"),
    ),
    deferred=("initiative_codes",),
)

# Every sheet an import reads, in the order problems are listed and rows written.
IMPORTED: tuple[Entity, ...] = (*ENTITIES, IRRITANTS)
IMPORTED_BY_NAME: dict[str, Entity] = {entity.name: entity for entity in IMPORTED}
