"""An initiative's KPI contributions and its links to other initiatives."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Initiative, InitiativeKpi, InitiativeLink, Kpi
from schema.enums import LinkKind
from service import audit, crud
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.errors import Conflict, NotFound, ValidationFailed
from service.i18n import N_
from service.i18n import gettext as _
from service.initiatives.payloads import KpiLinkPut, LinkCreate
from service.initiatives.service import get_initiative
from service.pagination import keyset

# Each kind of link said as its own sentence (the kind is the verb).
DUPLICATE_LINK = {
    LinkKind.enables: N_("Initiative %(id)s already enables initiative %(other)s (link %(link)s)."),
    LinkKind.depends_on: N_(
        "Initiative %(id)s already depends_on initiative %(other)s (link %(link)s)."
    ),
}


def _kpi_links() -> sa.Select[Any]:
    """Every InitiativeKpi column with the KPI's code and name."""
    return sa.select(
        *InitiativeKpi.__table__.columns,  # type: ignore[attr-defined]
        col(Kpi.code).label("kpi_code"),
        col(Kpi.name).label("kpi_name"),
    ).join(Kpi, col(Kpi.id) == col(InitiativeKpi.kpi_id))


async def list_kpi_links(
    session: AsyncSession,
    initiative_id: int,
    *,
    limit: int,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> Sequence[sa.Row[Any]]:
    """The KPIs an initiative contributes to, by link id after `cursor`."""
    await get_initiative(session, initiative_id)
    stmt = _kpi_links().where(col(InitiativeKpi.initiative_id) == initiative_id)
    if updated_since is not None:
        stmt = stmt.where(col(InitiativeKpi.updated_at) >= updated_since)
    return (await session.execute(keyset(stmt, col(InitiativeKpi.id), cursor, limit))).all()


async def put_kpi_link(
    session: AsyncSession, actor: Actor, initiative_id: int, kpi_id: int, data: KpiLinkPut
) -> tuple[sa.Row[Any], bool]:
    """Create or update the initiative's contribution to a KPI; True when created."""
    await _editable(session, actor, initiative_id)
    await crud.get_or_404(session, Kpi, kpi_id)
    link = await _find_kpi_link(session, initiative_id, kpi_id)
    created = link is None
    parent = ("initiative", initiative_id)
    if link is None:
        link = InitiativeKpi(initiative_id=initiative_id, kpi_id=kpi_id, **data.model_dump())
        session.add(link)
        await session.flush()
        after = audit.row_values(link)
        await audit.record(
            session, actor, "create", "initiative_kpi", _id(link), after=after, parent=parent
        )
    else:
        changed = crud.apply_changes(link, data)
        await audit.record_changes(session, actor, "initiative_kpi", link, changed, parent=parent)
    await session.flush()
    row = (await session.execute(_kpi_links().where(col(InitiativeKpi.id) == link.id))).one()
    return row, created


async def delete_kpi_link(
    session: AsyncSession, actor: Actor, initiative_id: int, kpi_id: int
) -> None:
    """Remove the initiative's contribution to a KPI (404 when there is none)."""
    await _editable(session, actor, initiative_id)
    link = await _find_kpi_link(session, initiative_id, kpi_id)
    if link is None:
        raise NotFound(
            _("Initiative %(id)s is not linked to KPI %(kpi)s.")
            % {"id": initiative_id, "kpi": kpi_id},
            code="link_not_found",
        )
    before = audit.row_values(link)
    await session.delete(link)
    await session.flush()
    parent = ("initiative", initiative_id)
    await audit.record(
        session, actor, "delete", "initiative_kpi", _id(link), before=before, parent=parent
    )


async def _find_kpi_link(
    session: AsyncSession, initiative_id: int, kpi_id: int
) -> InitiativeKpi | None:
    return await session.scalar(
        sa.select(InitiativeKpi).where(
            col(InitiativeKpi.initiative_id) == initiative_id, col(InitiativeKpi.kpi_id) == kpi_id
        )
    )


async def list_links(
    session: AsyncSession,
    initiative_id: int,
    *,
    limit: int,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> Sequence[InitiativeLink]:
    """Links from or to an initiative, by link id after `cursor`."""
    await get_initiative(session, initiative_id)
    stmt = sa.select(InitiativeLink).where(
        sa.or_(
            col(InitiativeLink.from_id) == initiative_id,
            col(InitiativeLink.to_id) == initiative_id,
        )
    )
    if updated_since is not None:
        stmt = stmt.where(col(InitiativeLink.updated_at) >= updated_since)
    return (await session.scalars(keyset(stmt, col(InitiativeLink.id), cursor, limit))).all()


async def create_link(
    session: AsyncSession, actor: Actor, initiative_id: int, data: LinkCreate
) -> InitiativeLink:
    """Link the initiative to another one (`enables` or `depends_on`); no self or duplicate.
    The actor must be allowed to edit both initiatives."""
    await _editable(session, actor, initiative_id)
    if data.to_id == initiative_id:
        raise ValidationFailed(
            _("An initiative cannot be linked to itself."), code="self_link", field="to_id"
        )
    await crud.require_refs(session, Initiative, {"to_id": data.to_id})
    await _editable(session, actor, data.to_id)
    duplicate = await session.scalar(
        sa.select(col(InitiativeLink.id)).where(
            col(InitiativeLink.from_id) == initiative_id,
            col(InitiativeLink.kind) == data.kind,
            col(InitiativeLink.to_id) == data.to_id,
        )
    )
    if duplicate is not None:
        raise Conflict(
            _(DUPLICATE_LINK[data.kind])
            % {"id": initiative_id, "other": data.to_id, "link": duplicate},
            code="duplicate_link",
            field="to_id",
        )
    link = InitiativeLink(from_id=initiative_id, kind=data.kind, to_id=data.to_id)
    session.add(link)
    await session.flush()
    parent = ("initiative", initiative_id)
    after = audit.row_values(link)
    await audit.record(
        session, actor, "create", "initiative_link", _id(link), after=after, parent=parent
    )
    return link


async def delete_link(
    session: AsyncSession, actor: Actor, initiative_id: int, link_id: int
) -> None:
    """Delete a link from or to the initiative (404 when it is not one of its links); the
    actor must be allowed to edit both initiatives."""
    await _editable(session, actor, initiative_id)
    link = await session.get(InitiativeLink, link_id)
    if link is None or initiative_id not in (link.from_id, link.to_id):
        raise NotFound(
            _("Link %(link)s is not a link of initiative %(id)s.")
            % {"link": link_id, "id": initiative_id},
            code="link_not_found",
        )
    await _editable(session, actor, link.to_id if link.from_id == initiative_id else link.from_id)
    before, parent = audit.row_values(link), ("initiative", link.from_id)
    await session.delete(link)
    await session.flush()
    await audit.record(
        session, actor, "delete", "initiative_link", link_id, before=before, parent=parent
    )


async def _editable(session: AsyncSession, actor: Actor, initiative_id: int) -> Initiative:
    """The initiative (404 when missing), once the actor may change it (403 otherwise)."""
    initiative = await get_initiative(session, initiative_id)
    policy.require(actor, Permission.edit_initiative, department_id=initiative.department_id)
    return initiative


def _id(row: InitiativeKpi | InitiativeLink) -> int:
    assert row.id is not None
    return row.id
