"""Saved scenarios: save, list, read with their evaluation, compare, delete, apply.

Reading and evaluating is open to every signed-in account; saving to the CDO office and
department heads; applying, which turns the moves into changes, to the CDO office only.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Scenario
from service import audit, crud
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.errors import Conflict, DomainError, ValidationFailed
from service.i18n import gettext as _
from service.initiatives import service as initiatives_service
from service.initiatives.payloads import InitiativeUpdate
from service.pagination import keyset
from service.scenarios import evaluation
from service.scenarios.payloads import (
    AppliedMove,
    ScenarioApplied,
    ScenarioComparison,
    ScenarioCreate,
    ScenarioDetail,
    ScenarioMove,
    ScenarioPublic,
)


async def save_scenario(session: AsyncSession, actor: Actor, data: ScenarioCreate) -> Scenario:
    """Save a named scenario once its moves pass the rules (CDO office, department heads)."""
    policy.require(actor, Permission.save_scenario)
    await evaluation.resolve(session, data.moves)
    taken = await session.scalar(sa.select(col(Scenario.id)).where(col(Scenario.name) == data.name))
    if taken is not None:
        raise Conflict(
            _("A scenario named '%(name)s' already exists.") % {"name": data.name},
            code="duplicate_name",
            field="name",
        )
    moves = [move.model_dump(mode="json", exclude_unset=True) for move in data.moves]
    scenario = Scenario(
        name=data.name, description=data.description, moves=moves, created_by=actor.account_id
    )
    session.add(scenario)
    await session.flush()
    after = audit.row_values(scenario)
    await audit.record(session, actor, "create", "scenario", _id(scenario), after=after)
    return scenario


async def list_scenarios(
    session: AsyncSession, *, limit: int, cursor: str | None = None
) -> Sequence[Scenario]:
    """Saved scenarios by id after `cursor` (one extra row tells there is more)."""
    stmt = keyset(sa.select(Scenario), col(Scenario.id), cursor, limit)
    return (await session.scalars(stmt)).all()


def moves_of(scenario: Scenario) -> list[ScenarioMove]:
    """The saved moves, as the API takes them."""
    return [ScenarioMove.model_validate(move) for move in scenario.moves]


async def get_scenario(
    session: AsyncSession, scenario_id: int, *, today: date | None = None
) -> ScenarioDetail:
    """A saved scenario with its evaluation against the portfolio as it is now."""
    scenario = await crud.get_or_404(session, Scenario, scenario_id)
    public = ScenarioPublic.model_validate(scenario).model_dump()
    try:
        evaluated = await evaluation.evaluate(session, moves_of(scenario), today=today)
    except (ValidationFailed, ValidationError) as error:
        return ScenarioDetail(**public, evaluation=None, problem=str(error))
    return ScenarioDetail(**public, evaluation=evaluated)


async def compare_scenarios(
    session: AsyncSession, a: int, b: int, *, today: date | None = None
) -> ScenarioComparison:
    """Two saved scenarios evaluated side by side against the same portfolio."""
    return ScenarioComparison(
        a=await get_scenario(session, a, today=today),
        b=await get_scenario(session, b, today=today),
    )


async def delete_scenario(session: AsyncSession, actor: Actor, scenario_id: int) -> None:
    """Delete a saved scenario (the CDO office, or the account that saved it)."""
    scenario = await crud.get_or_404(session, Scenario, scenario_id)
    if actor.account_id is None or actor.account_id != scenario.created_by:
        policy.require(actor, Permission.manage_scenarios)
    before = audit.row_values(scenario)
    await session.delete(scenario)
    await session.flush()
    await audit.record(session, actor, "delete", "scenario", scenario_id, before=before)


async def apply_scenario(session: AsyncSession, actor: Actor, scenario_id: int) -> ScenarioApplied:
    """Turn the moves into changes as the CDO office, all or nothing: the first move the
    rules or the approval gate refuse undoes every change and the error names the move."""
    policy.require(actor, Permission.decide)
    scenario = await crud.get_or_404(session, Scenario, scenario_id)
    moves = moves_of(scenario)
    await evaluation.resolve(session, moves)
    applied: list[AppliedMove] = []
    async with session.begin_nested():
        for index, move in enumerate(moves):
            applied.append(await _apply_move(session, actor, index, move))
    await audit.record(
        session, actor, "apply", "scenario", scenario_id, after={"moves": scenario.moves}
    )
    return ScenarioApplied(scenario_id=scenario_id, initiatives=applied)


async def _apply_move(
    session: AsyncSession, actor: Actor, index: int, move: ScenarioMove
) -> AppliedMove:
    changes = InitiativeUpdate(**move.model_dump(exclude_unset=True, exclude={"initiative_id"}))
    try:
        row = await initiatives_service.update_initiative(
            session, actor, move.initiative_id, changes
        )
    except DomainError as error:
        raise _naming_move(error, index, move.initiative_id) from error
    return AppliedMove(initiative_id=row.id, code=row.code, status=row.status, version=row.version)


def _naming_move(error: DomainError, index: int, initiative_id: int) -> DomainError:
    """The same error (class, code, status, extras), saying which move it is about."""
    field = f"moves[{index}].{error.field}" if error.field else f"moves[{index}]"
    extra: dict[str, Any] = error.extra | {"move": index, "initiative_id": initiative_id}
    named = DomainError(
        f"moves[{index}]: {error.detail}", code=error.code, field=field, extra=extra
    )
    named.status, named.title, named.headers = error.status, error.title, error.headers
    return named


def _id(scenario: Scenario) -> int:
    assert scenario.id is not None
    return scenario.id
