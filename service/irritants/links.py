"""Link an irritant to an initiative that addresses it, or unlink it (who may edit the
initiative). The database moves the irritant to `addressed` while a linked initiative is
done, and back to `open` when that link goes (schema/irritant.py)."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import InitiativeIrritant, Irritant
from service import audit, crud
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.errors import NotFound
from service.i18n import gettext as _
from service.initiatives import service as initiatives
from service.irritants import queries
from service.irritants.payloads import IrritantPublic


async def link(
    session: AsyncSession, actor: Actor, initiative_id: int, irritant_id: int
) -> tuple[IrritantPublic, bool]:
    """Record that the initiative addresses the irritant; True when the link is new."""
    await _editable(session, actor, initiative_id)
    await crud.get_or_404(session, Irritant, irritant_id)
    link_id = await session.scalar(
        insert(InitiativeIrritant)
        .values(initiative_id=initiative_id, irritant_id=irritant_id)
        .on_conflict_do_nothing()
        .returning(col(InitiativeIrritant.id))
    )
    if link_id is not None:
        after = {"initiative_id": initiative_id, "irritant_id": irritant_id}
        parent = ("initiative", initiative_id)
        await audit.record(
            session, actor, "create", "initiative_irritant", link_id, after=after, parent=parent
        )
    return await queries.get_irritant(session, irritant_id), link_id is not None


async def unlink(session: AsyncSession, actor: Actor, initiative_id: int, irritant_id: int) -> None:
    """Remove the link (404 when the initiative does not address the irritant)."""
    await _editable(session, actor, initiative_id)
    link_id = await session.scalar(
        sa.delete(InitiativeIrritant)
        .where(
            col(InitiativeIrritant.initiative_id) == initiative_id,
            col(InitiativeIrritant.irritant_id) == irritant_id,
        )
        .returning(col(InitiativeIrritant.id))
    )
    if link_id is None:
        raise NotFound(
            _("Initiative %(id)s is not linked to irritant %(irritant)s.")
            % {"id": initiative_id, "irritant": irritant_id},
            code="link_not_found",
        )
    before = {"initiative_id": initiative_id, "irritant_id": irritant_id}
    parent = ("initiative", initiative_id)
    await audit.record(
        session, actor, "delete", "initiative_irritant", link_id, before=before, parent=parent
    )


async def _editable(session: AsyncSession, actor: Actor, initiative_id: int) -> None:
    initiative = await initiatives.get_initiative(session, initiative_id)
    policy.require(actor, Permission.edit_initiative, department_id=initiative.department_id)
