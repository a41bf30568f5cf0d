"""REST handlers of flag triage: the ranked list, and acknowledge, assign, snooze a flag."""

from fastapi import APIRouter, Path, Query

from service.deps import ActorDep, SessionDep
from service.portfolio.payloads import FlagCode, FlagPublic
from service.triage import service
from service.triage.payloads import (
    AcknowledgeIn,
    AssignIn,
    EntityType,
    FlagKey,
    RankedFlags,
    SnoozeIn,
    View,
)

router = APIRouter(tags=["flags"])

FLAG = "/flags/{code}/{entity_type}/{entity_id}"


def _key(code: FlagCode, entity_type: EntityType, entity_id: int) -> FlagKey:
    return FlagKey(code, entity_type, entity_id)


ENTITY_ID = Path(ge=0, description="The subject's id (0 for the portfolio flag).")


@router.get("/flags", summary="Flags ranked by what is at stake")
async def get_ranked_flags(
    session: SessionDep,
    view: View = Query("to_act_on", description="to_act_on, acknowledged, snoozed or all."),
    code: list[FlagCode] | None = Query(None, description="Only these flag codes."),
    department: str | None = Query(None, description="Department code."),
    limit: int = Query(50, ge=1, le=1000, description="Flags per page (1..1000)."),
    cursor: str | None = Query(None, description="`next_cursor` of the previous page."),
) -> RankedFlags:
    """Raised flags by money at stake, then age, then severity, with who should act."""
    return await service.rank_flags(
        session, view=view, codes=code, department=department, limit=limit, cursor=cursor
    )


@router.post(f"{FLAG}/acknowledge", summary="Acknowledge a flag")
async def post_acknowledge(
    session: SessionDep,
    actor: ActorDep,
    code: FlagCode,
    entity_type: EntityType,
    data: AcknowledgeIn,
    entity_id: int = ENTITY_ID,
) -> FlagPublic:
    """Acknowledge with a note: the flag leaves the to-act-on list and stays counted."""
    return await service.acknowledge(session, actor, _key(code, entity_type, entity_id), data)


@router.post(f"{FLAG}/assign", summary="Assign a flag to a person")
async def post_assign(
    session: SessionDep,
    actor: ActorDep,
    code: FlagCode,
    entity_type: EntityType,
    data: AssignIn,
    entity_id: int = ENTITY_ID,
) -> FlagPublic:
    """Give the flag to an active person, who then should act on it."""
    return await service.assign(session, actor, _key(code, entity_type, entity_id), data)


@router.post(f"{FLAG}/snooze", summary="Snooze a flag until a day")
async def post_snooze(
    session: SessionDep,
    actor: ActorDep,
    code: FlagCode,
    entity_type: EntityType,
    data: SnoozeIn,
    entity_id: int = ENTITY_ID,
) -> FlagPublic:
    """Keep the flag out of the to-act-on list until `until` (after today)."""
    return await service.snooze(session, actor, _key(code, entity_type, entity_id), data)
