"""What the irritant pages show and do: the ranked list with the reader's votes, the phone
form, one irritant with its close/reopen form, and the irritants of an initiative and of
the departments. Every write goes through service/irritants/."""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Department, Initiative
from schema.enums import ACTIVE_STATUSES, IrritantStatus
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.errors import DomainError
from service.irritants import coverage, queries, service
from service.irritants.payloads import (
    IrritantCreate,
    IrritantFilter,
    IrritantPublic,
    IrritantSort,
    IrritantUpdate,
)
from service.pages.forms import FormState, clean, parse, refuse
from service.pages.views import options

PAGE_SIZE = 50
# Irritants offered for linking on an initiative page: the most voted open ones.
LINKABLE = 200


@dataclass(frozen=True)
class IrritantListPage:
    items: list[IrritantPublic]
    voted: set[int]
    departments: dict[int, Department]
    filters: IrritantFilter
    may_raise: bool
    next_url: str | None = None
    first_url: str = "/irritants"
    on_first: bool = True


@dataclass(frozen=True)
class IrritantPage:
    irritant: IrritantPublic
    department: Department | None
    initiatives: list[Initiative]
    voted: bool
    may_vote: bool
    may_manage: bool
    form: FormState = field(default_factory=FormState)


@dataclass(frozen=True)
class InitiativeIrritants:
    """The irritants an initiative addresses, and those its editors may link."""

    linked: list[IrritantPublic]
    linkable: list[IrritantPublic]
    may_link: bool


def _url(filters: IrritantFilter, cursor: str | None = None) -> str:
    given: dict[str, Any] = {
        "status": filters.status.value if filters.status else None,
        "department_id": filters.department_id,
        "sort": filters.sort.value if filters.sort is not IrritantSort.votes else None,
        "cursor": cursor,
    }
    query = urlencode({k: v for k, v in given.items() if v is not None})
    return f"/irritants?{query}" if query else "/irritants"


async def list_page(
    session: AsyncSession, actor: Actor, filters: IrritantFilter, cursor: str | None
) -> IrritantListPage:
    """One page of the ranked list, with which of them the reader voted for."""
    items, next_cursor = await queries.list_irritants(
        session, filters, limit=PAGE_SIZE, cursor=cursor
    )
    voted = await queries.voted_by(session, actor.account_id, [i.id for i in items])
    departments = {d.id: d for d in await options.departments(session) if d.id is not None}
    return IrritantListPage(
        items=items,
        voted=voted,
        departments=departments,
        filters=filters,
        may_raise=policy.allowed(actor, Permission.raise_irritant),
        next_url=_url(filters, next_cursor) if next_cursor else None,
        first_url=_url(filters),
        on_first=cursor is None,
    )


async def new_form(session: AsyncSession, actor: Actor, state: FormState) -> dict[str, Any]:
    """The phone form: title, department (the reader's own first), one line."""
    departments = await options.departments(session)
    if "department_id" not in state.values and actor.department_id is not None:
        state.values["department_id"] = str(actor.department_id)
    return {"form": state, "departments": [(d.id, d.name) for d in departments]}


async def raise_from_form(
    session: AsyncSession, actor: Actor, form: dict[str, str], state: FormState
) -> IrritantPublic | None:
    """Raise the irritant the form describes; None with the errors in `state`."""
    state.values = dict(form)
    data = parse(IrritantCreate, clean(form, optional=("description", "process")), state)
    if data is None:
        return None
    try:
        return await service.raise_irritant(session, actor, data)
    except DomainError as exc:
        await session.rollback()
        refuse(state, exc, {"title", "department_id", "description"})
        return None


async def irritant_page(
    session: AsyncSession, actor: Actor, irritant_id: int, form: FormState | None = None
) -> IrritantPage:
    """One irritant, its department and initiatives, and what the reader may do."""
    irritant = await queries.get_irritant(session, irritant_id)
    department = await session.get(Department, irritant.department_id)
    initiatives = []
    if irritant.initiative_ids:
        stmt = sa.select(Initiative).where(col(Initiative.id).in_(irritant.initiative_ids))
        initiatives = list((await session.scalars(stmt.order_by(col(Initiative.code)))).all())
    voted = await queries.voted_by(session, actor.account_id, [irritant_id])
    return IrritantPage(
        irritant=irritant,
        department=department,
        initiatives=initiatives,
        voted=irritant_id in voted,
        may_vote=policy.allowed(actor, Permission.raise_irritant)
        and irritant.status != IrritantStatus.closed,
        may_manage=policy.allowed(
            actor, Permission.manage_irritant, department_id=irritant.department_id
        ),
        form=form or FormState(),
    )


async def change_status(
    session: AsyncSession, actor: Actor, irritant_id: int, form: dict[str, str]
) -> FormState:
    """Close or reopen with the form's reason; the errors, if any, in the returned state."""
    state = FormState(values=dict(form))
    data = parse(
        IrritantUpdate, {"status": form.get("status"), "reason": form.get("reason")}, state
    )
    if data is None:
        return state
    version = form.get("version", "")
    try:
        await service.update_irritant(
            session,
            actor,
            irritant_id,
            data,
            expected_version=int(version) if version.isdigit() else None,
        )
    except DomainError as exc:
        await session.rollback()
        refuse(state, exc, {"reason", "status"})
    return state


async def for_initiative(
    session: AsyncSession, actor: Actor, initiative: Any
) -> InitiativeIrritants:
    """The initiative page's irritants: those it addresses, and the open ones to link."""
    assert initiative.id is not None
    linked = (await queries.irritants_of(session, [initiative.id]))[initiative.id]
    may_link = policy.allowed(
        actor, Permission.edit_initiative, department_id=initiative.department_id
    )
    linkable: list[IrritantPublic] = []
    if may_link:
        filters = IrritantFilter(status=IrritantStatus.open)
        candidates, _ = await queries.list_irritants(session, filters, limit=LINKABLE)
        shown = {i.id for i in linked}
        linkable = [i for i in candidates if i.id not in shown]
    return InitiativeIrritants(linked=linked, linkable=linkable, may_link=may_link)


async def for_departments(session: AsyncSession) -> coverage.IrritantVotes:
    """Per department: the votes on open irritants, and the share active work addresses."""
    return await coverage.irritant_votes(session, [s.value for s in ACTIVE_STATUSES])
