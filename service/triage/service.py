"""Flag triage: the ranked to-act-on list, and acknowledging, assigning and snoozing a flag.

Flags stay computed (service/portfolio/flags.py); `flag_triage` keeps, per raised flag, the
day it was first seen and what was done about it. Who may triage a flag: the CDO office,
the head of the department it concerns, and the person who should act on it (its
initiative's owner, or the person it is assigned to).
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Person
from service import audit
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.errors import NotFound, ValidationFailed
from service.i18n import gettext as _
from service.pagination import pack, unpack
from service.portfolio import flag_rows
from service.portfolio import service as portfolio
from service.portfolio.flags import INITIATIVE_CODES
from service.portfolio.payloads import FlagCode, FlagPublic
from service.triage import queries
from service.triage.payloads import (
    AcknowledgeIn,
    AssignIn,
    CodeStakes,
    FlagKey,
    RankedFlags,
    SnoozeIn,
    View,
)

STATES = ("to_act_on", "acknowledged", "snoozed")
FIRST_PAGE: dict[str, Any] = {
    "first": True,
    "after_stakes": 0,
    "after_age": 0,
    "after_rank": 0,
    "after_code": "",
    "after_entity": "",
}


def _encode_cursor(row: Any) -> str:
    return pack([str(-row.stakes), -row.age_days, row.rank, row.code, row.sort_code])


def _decode_cursor(cursor: str | None) -> dict[str, Any]:
    if not cursor:
        return FIRST_PAGE
    try:
        stakes, age, rank, code, entity = unpack(cursor)
        if all(isinstance(v, int) for v in (age, rank)) and isinstance(code, str):
            values = (Decimal(stakes), age, rank, code, str(entity))
            return dict(zip(FIRST_PAGE, (False, *values), strict=True))
    except (ValueError, TypeError, ArithmeticError):
        pass
    raise ValidationFailed(_("The cursor is not one this API issued."), field="cursor")


async def _ranked(
    session: AsyncSession,
    codes: list[FlagCode],
    scope: flag_rows.FlagScope,
    params: dict[str, Any],
    *,
    keyed: bool = False,
) -> Sequence[Any]:
    sql = queries.ranked_sql(
        codes,
        department=scope.department is not None,
        subjects=scope.initiatives is not None,
        keyed=keyed,
    )
    values = await portfolio.flag_params(session, scope, params.get("today"))
    return (await session.execute(text(sql), values | params)).all()


async def rank_flags(
    session: AsyncSession,
    *,
    view: View = "to_act_on",
    codes: Sequence[FlagCode] | None = None,
    department: str | None = None,
    today: date | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> RankedFlags:
    """The flags of `view` by money at stake, then age, then severity; with every count."""
    await portfolio.check_filters(session, department, None)
    scope = flag_rows.FlagScope(department=department)
    wanted = flag_rows.wanted_codes(codes, None, scope)
    states = list(STATES) if view == "all" else [view]
    params = _decode_cursor(cursor) | {"today": today, "states": states, "limit": limit + 1}
    rows = await _ranked(session, wanted, scope, params) if wanted else []
    page = [row for row in rows if row.code is not None]
    more = len(page) > limit
    page = page[:limit]
    head = rows[0] if rows else None
    return RankedFlags(
        items=[flag_rows.flag_public(row) for row in page],
        counts=dict.fromkeys((c.value for c in FlagCode), 0) | (head.counts if head else {}),
        states=dict.fromkeys(STATES, 0) | (head.states if head else {}),
        to_act_on={c: CodeStakes(**v) for c, v in (head.to_act_on if head else {}).items()},
        next_cursor=_encode_cursor(page[-1]) if more and page else None,
    )


async def _find(session: AsyncSession, key: FlagKey, today: date | None) -> Any:
    """The raised flag `key` with its triage (404 when it is not raised now)."""
    about_one = key.entity_type == "initiative" and key.code in INITIATIVE_CODES
    scope = flag_rows.FlagScope(initiatives=[key.entity_id] if about_one else None)
    params = FIRST_PAGE | {
        "today": today,
        "states": list(STATES),
        "limit": 1,
        "entity_type": key.entity_type,
        "entity_id": key.entity_id,
    }
    rows = await _ranked(session, [key.code], scope, params, keyed=True)
    if not rows or rows[0].code is None:
        raise NotFound(
            _("No %(code)s flag is raised on %(type)s %(id)s.")
            % {"code": key.code.value, "type": key.entity_type, "id": key.entity_id},
            code="flag_not_found",
        )
    return rows[0]


def _require(actor: Actor, flag: Any) -> None:
    """Refuse (403) unless the actor is the CDO office, heads the department concerned, or
    should act on the flag (its owner, or its assignee)."""
    acting = {flag.should_act_id, flag.owner_id} - {None}
    owner = actor.person_id if actor.person_id in acting else flag.should_act_id
    policy.require(actor, Permission.triage_flag, department_id=flag.department_id, owner_id=owner)


async def _write(
    session: AsyncSession,
    actor: Actor,
    key: FlagKey,
    action: str,
    changes: dict[str, Any],
    today: date | None,
) -> FlagPublic:
    """Store `changes` on the flag's triage row (created if needed), audited."""
    flag = await _find(session, key, today)
    _require(actor, flag)
    columns = ", ".join(changes)
    values = ", ".join(f":{c}" for c in changes)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in changes)
    sql = f"""
INSERT INTO flag_triage AS t (code, entity_type, entity_id, {columns})
VALUES (:code, :entity_type, :entity_id, {values})
ON CONFLICT (code, entity_type, entity_id) DO UPDATE
SET {updates}, version = t.version + 1, updated_at = now()
RETURNING t.id"""
    params = {"code": key.code.value, "entity_type": key.entity_type, "entity_id": key.entity_id}
    triage_id = (await session.execute(text(sql), params | changes)).scalar_one()
    # The account, not its name as the list shows it.
    stored = {"acknowledged_by": flag.acknowledged_by_account}
    before = {c: stored.get(c, getattr(flag, c)) for c in changes if c != "acknowledged_at"}
    after = params | {c: v for c, v in changes.items() if c != "acknowledged_at"}
    await audit.record(session, actor, action, "flag_triage", triage_id, before, after)
    return flag_rows.flag_public(await _find(session, key, today))


async def acknowledge(
    session: AsyncSession,
    actor: Actor,
    key: FlagKey,
    data: AcknowledgeIn,
    *,
    today: date | None = None,
) -> FlagPublic:
    """Acknowledge a raised flag with a note: it leaves the to-act-on list, still counted."""
    if actor.account_id is None:
        raise ValidationFailed(_("Only an account can acknowledge a flag."), field="note")
    changes = {
        "acknowledged_by": actor.account_id,
        "acknowledged_at": datetime.now(UTC),
        "note": data.note,
    }
    return await _write(session, actor, key, "acknowledge", changes, today)


async def assign(
    session: AsyncSession, actor: Actor, key: FlagKey, data: AssignIn, *, today: date | None = None
) -> FlagPublic:
    """Assign a raised flag to an active person, who then should act on it."""
    person = await session.get(Person, data.person_id)
    if person is None or not person.is_active:
        raise ValidationFailed(
            _("person_id: no active person has the id %(id)s.") % {"id": data.person_id},
            code="unknown_reference",
            field="person_id",
        )
    changes = {"assigned_to": data.person_id}
    return await _write(session, actor, key, "assign", changes, today)


async def snooze(
    session: AsyncSession, actor: Actor, key: FlagKey, data: SnoozeIn, *, today: date | None = None
) -> FlagPublic:
    """Keep a raised flag out of the to-act-on list until a day after today."""
    day = today or await _today(session)
    if data.until <= day:
        raise ValidationFailed(
            _("until: %(until)s is not after today (%(today)s).")
            % {"until": data.until.isoformat(), "today": day.isoformat()},
            code="snooze_not_in_future",
            field="until",
        )
    changes: dict[str, Any] = {"snoozed_until": data.until}
    if data.note:
        changes["note"] = data.note
    return await _write(session, actor, key, "snooze", changes, today)


async def _today(session: AsyncSession) -> date:
    day: date = (await session.execute(text("SELECT current_date"))).scalar_one()
    return day


class Refresh(NamedTuple):
    raised: int  # flags seen for the first time
    cleared: int  # flags no longer raised, forgotten
    counts: dict[str, int]  # flags raised now, per code (every code)


async def refresh(session: AsyncSession, *, today: date | None = None) -> Refresh:
    """Record the first sighting of every flag raised now and forget those that cleared;
    with the count of each code. Run by the daily snapshot, which stores the counts."""
    params = await portfolio.flag_params(session, flag_rows.FlagScope(), today)
    row = (await session.execute(text(queries.refresh_sql(list(FlagCode))), params)).one()
    counts = dict.fromkeys((c.value for c in FlagCode), 0) | row.counts
    return Refresh(int(row.raised), int(row.cleared), counts)
