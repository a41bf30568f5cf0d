"""The flag list's pieces that need no database: its scope, codes, cursor and row shape."""

from collections.abc import Sequence
from typing import Any, NamedTuple

from service.errors import ValidationFailed
from service.i18n import gettext as _
from service.pagination import pack, unpack
from service.portfolio import flag_messages
from service.portfolio.flags import INITIATIVE_CODES, ORDERED_CODES, SEVERITY
from service.portfolio.payloads import FlagCode, FlagPublic, PersonName


class FlagScope(NamedTuple):
    """Which flags: of a department (code), of a reporting line, or of a set of initiatives."""

    department: str | None = None
    owner_line: int | None = None
    initiatives: Sequence[int] | None = None


def wanted_codes(
    codes: Sequence[FlagCode] | None, severities: Sequence[str] | None, scope: FlagScope
) -> list[FlagCode]:
    """The codes asked for, in the list's order (only initiative codes for a set of them)."""
    return [
        code
        for code in ORDERED_CODES
        if (not codes or code in codes)
        and (not severities or SEVERITY[code] in severities)
        and (scope.initiatives is None or code in INITIATIVE_CODES)
    ]


def flag_sql_options(scope: FlagScope) -> dict[str, bool]:
    """The shape switches of the flag statements for `scope`."""
    return {
        "department": scope.department is not None,
        "owner_line": scope.owner_line is not None,
        "subjects": scope.initiatives is not None,
    }


def encode_cursor(item: Any) -> str:
    return pack([item.rank, item.code, item.sort_code])


def decode_cursor(cursor: str | None) -> tuple[int, str, str]:
    if not cursor:
        return (-1, "", "")
    try:
        rank, code, entity = unpack(cursor)
        if isinstance(rank, int) and isinstance(code, str) and isinstance(entity, str):
            return (rank, code, entity)
    except (ValueError, TypeError):
        pass
    raise ValidationFailed(_("The cursor is not one this API issued."), field="cursor")


def flag_public(row: Any) -> FlagPublic:
    """The wire shape of one flag row of the flag statements (with its triage columns)."""
    should_act = (
        PersonName(id=row.should_act_id, name=row.should_act_name)
        if row.should_act_id is not None
        else None
    )
    return FlagPublic(
        code=row.code,
        severity=row.severity,
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        entity_code=row.entity_code,
        department_code=row.department_code,
        message=flag_messages.message(row),
        stakes=row.stakes,
        age_days=row.age_days,
        state=row.state,
        should_act=should_act,
        assigned_to=row.assigned_to,
        acknowledged_by=row.acknowledged_by,
        acknowledged_at=row.acknowledged_at,
        note=row.note or "",
        snoozed_until=row.snoozed_until,
    )
