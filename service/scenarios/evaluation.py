"""Evaluate a scenario: check its moves against the initiative rules, then compute the
portfolio as the moves would leave it, next to today's, in SQL over the live rows."""

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Department, Initiative
from service.errors import ValidationFailed
from service.i18n import gettext as _
from service.initiatives import rules
from service.portfolio import queries
from service.portfolio import service as portfolio_service
from service.portfolio.flags import ORDERED_CODES
from service.scenarios import overlay, sql
from service.scenarios.payloads import (
    FlagChange,
    ScenarioEvaluation,
    ScenarioFigures,
    ScenarioMove,
)


def _refuse(index: int, field: str, message: str, code: str, extra: Any = None) -> None:
    raise ValidationFailed(
        f"moves[{index}]: {message}",
        code=code,
        field=f"moves[{index}].{field}",
        extra={"move": index, **(extra or {})},
    )


async def _departments(session: AsyncSession, wanted: set[int | None]) -> set[int]:
    """Those of the `wanted` department ids that exist."""
    if not wanted:
        return set()
    stmt = sa.select(col(Department.id)).where(col(Department.id).in_(wanted))
    return {id_ for id_ in (await session.scalars(stmt)).all() if id_ is not None}


async def resolve(session: AsyncSession, moves: Sequence[ScenarioMove]) -> list[dict[str, Any]]:
    """Each move as the full set of overlaid values (status, orientation, client share,
    budget, department), once it passes the initiative rules; 422 naming the move if not."""
    ids = [move.initiative_id for move in moves]
    found = await session.execute(sa.select(Initiative).where(col(Initiative.id).in_(ids)))
    rows = {row.id: row for row in found.scalars()}
    known = await _departments(session, {m.department_id for m in moves} - {None})
    resolved: list[dict[str, Any]] = []
    seen: set[int] = set()
    for index, move in enumerate(moves):
        row = rows.get(move.initiative_id)
        if row is None:
            message = _("initiative %(id)s does not exist.") % {"id": move.initiative_id}
            _refuse(index, "initiative_id", message, "unknown_reference")
        assert row is not None
        if move.initiative_id in seen:
            message = _("%(code)s is already moved by an earlier move; give one move each.") % {
                "code": row.code
            }
            _refuse(index, "initiative_id", message, "duplicate_move")
        seen.add(move.initiative_id)
        if move.department_id is not None and move.department_id not in known:
            message = _("department %(id)s does not exist.") % {"id": move.department_id}
            _refuse(index, "department_id", message, "unknown_reference")
        resolved.append(_checked(index, move, row))
    return resolved


async def ids_by_code(session: AsyncSession, codes: Sequence[str]) -> dict[str, int]:
    """The ids of the initiatives with these codes (unknown codes left out)."""
    stmt = sa.select(col(Initiative.code), col(Initiative.id))
    found = await session.execute(stmt.where(col(Initiative.code).in_(codes)))
    return {code: id_ for code, id_ in found.all() if id_ is not None}


async def codes_by_id(session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
    """The codes of the initiatives with these ids (unknown ids left out)."""
    stmt = sa.select(col(Initiative.id), col(Initiative.code))
    found = await session.execute(stmt.where(col(Initiative.id).in_(ids)))
    return {id_: code for id_, code in found.all() if id_ is not None}


def _checked(index: int, move: ScenarioMove, row: Initiative) -> dict[str, Any]:
    """The overlaid values of one move, by the rules every surface applies."""
    given = move.model_dump(exclude_unset=True, exclude={"initiative_id"})
    orientation = given.get("orientation", row.orientation)
    keep = row.client_share if orientation == row.orientation else None
    share, breach = rules.client_share(orientation, given.get("client_share"), keep=keep)
    breaches = [breach] if breach else []
    breaches += rules.check(lambda f: given.get(f, getattr(row, f)), current_status=row.status)
    if breaches:
        first = breaches[0]
        _refuse(index, first.field, f"{row.code}: {first.message}", first.code, first.extra)
    return {
        "id": row.id,
        "status": given.get("status", row.status),
        "orientation": orientation,
        "client_share": str(share),
        "budget_planned": str(given.get("budget_planned", row.budget_planned)),
        "department_id": given.get("department_id", row.department_id),
    }


async def evaluate(
    session: AsyncSession, moves: Sequence[ScenarioMove], *, today: date | None = None
) -> ScenarioEvaluation:
    """The portfolio today and as `moves` would leave it: balance, alignment, flag counts,
    and the flags that would appear and disappear."""
    resolved = await resolve(session, moves)
    return await _evaluate(session, resolved, today)


async def _evaluate(
    session: AsyncSession, resolved: list[dict[str, Any]], today: date | None
) -> ScenarioEvaluation:
    setting = await portfolio_service.get_settings(session)
    params: dict[str, Any] = setting.model_dump(exclude={"id", "created_at", "updated_at"})
    params |= {"moves": json.dumps(resolved), "today": today}
    before_balance = await portfolio_service.compute_balance(session)
    after_sql = queries.balance_of_totals(overlay.after_balance(), owner_line=False)
    after_rows = (await session.execute(text(after_sql), params)).all()
    after_balance = portfolio_service.balance_of(
        "budget", portfolio_service.DEFAULT_STATUSES, after_rows
    )
    row = (await session.execute(text(sql.figures()), params)).one()
    appearing = [FlagChange.model_validate(flag) for flag in row.appearing]
    disappearing = [FlagChange.model_validate(flag) for flag in row.disappearing]
    before_counts = dict.fromkeys((code.value for code in ORDERED_CODES), 0) | row.before_counts
    after_counts = dict(before_counts)
    for flag in appearing:
        after_counts[flag.code] += 1
    for flag in disappearing:
        after_counts[flag.code] -= 1
    return ScenarioEvaluation(
        before=ScenarioFigures(
            balance=before_balance,
            alignment_score=row.before_alignment,
            flag_counts=before_counts,
        ),
        after=ScenarioFigures(
            balance=after_balance, alignment_score=row.after_alignment, flag_counts=after_counts
        ),
        appearing=appearing,
        disappearing=disappearing,
    )
