"""REST handlers for scenarios: evaluate moves, save, list, read, compare, delete, apply."""

from fastapi import APIRouter, Query, Response, status

from service.deps import ActorDep, PageDep, SessionDep
from service.pagination import Page, page_of
from service.scenarios import evaluation, service
from service.scenarios.payloads import (
    ScenarioApplied,
    ScenarioComparison,
    ScenarioCreate,
    ScenarioDetail,
    ScenarioEvaluate,
    ScenarioEvaluation,
    ScenarioPublic,
)

router = APIRouter(prefix="/scenarios", tags=["scenarios"])


@router.post("/evaluate", summary="Evaluate a scenario")
async def evaluate_scenario(session: SessionDep, data: ScenarioEvaluate) -> ScenarioEvaluation:
    """The portfolio today and as the moves would leave it, with the flags that change."""
    return await evaluation.evaluate(session, data.moves)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Save a scenario")
async def save_scenario(
    session: SessionDep, actor: ActorDep, response: Response, data: ScenarioCreate
) -> ScenarioPublic:
    """Save named moves (CDO office and department heads); the name is unique."""
    scenario = await service.save_scenario(session, actor, data)
    response.headers["Location"] = f"/api/v1/scenarios/{scenario.id}"
    return ScenarioPublic.model_validate(scenario)


@router.get("", summary="List saved scenarios")
async def list_scenarios(session: SessionDep, page: PageDep) -> Page[ScenarioPublic]:
    """Saved scenarios in id order, keyset-paginated."""
    rows = await service.list_scenarios(session, limit=page.limit, cursor=page.cursor)
    items, next_cursor = page_of(rows, page.limit)
    return Page(items=[ScenarioPublic.model_validate(r) for r in items], next_cursor=next_cursor)


@router.get("/compare", summary="Compare two saved scenarios")
async def compare_scenarios(
    session: SessionDep,
    a: int = Query(description="A saved scenario's id."),
    b: int = Query(description="Another saved scenario's id."),
) -> ScenarioComparison:
    """Both scenarios evaluated against the same portfolio, side by side."""
    return await service.compare_scenarios(session, a, b)


@router.get("/{scenario_id}", summary="Get a saved scenario")
async def get_scenario(session: SessionDep, scenario_id: int) -> ScenarioDetail:
    """One saved scenario with its evaluation against today's portfolio."""
    return await service.get_scenario(session, scenario_id)


@router.delete(
    "/{scenario_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a scenario"
)
async def delete_scenario(session: SessionDep, actor: ActorDep, scenario_id: int) -> None:
    """Delete a saved scenario (the CDO office, or the account that saved it)."""
    await service.delete_scenario(session, actor, scenario_id)


@router.post("/{scenario_id}/apply", summary="Apply a saved scenario")
async def apply_scenario(session: SessionDep, actor: ActorDep, scenario_id: int) -> ScenarioApplied:
    """Make the moves real as the CDO office, all or nothing, under the approval gate."""
    return await service.apply_scenario(session, actor, scenario_id)
