"""What waits for the CDO office: pending change requests, and the proposals nobody has yet
asked to approve through one. The one definition the Decisions page, its count in the
navigation and the `portfolio_pending_decisions` metric share."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import ChangeRequest, Initiative
from schema.decision import ChangeRequestStatus
from schema.enums import InitiativeStatus

PENDING = col(ChangeRequest.status) == ChangeRequestStatus.pending


def open_request_for(initiative: Any) -> sa.Exists:
    """The initiative has a pending change request (it is decided as that request)."""
    return (
        sa.select(col(ChangeRequest.id))
        .where(PENDING, col(ChangeRequest.initiative_id) == initiative)
        .exists()
    )


def waiting_proposal() -> Any:
    """A proposed initiative no pending change request carries."""
    return sa.and_(
        col(Initiative.status) == InitiativeStatus.proposed,
        ~open_request_for(col(Initiative.id)),
    )


async def count_pending_decisions(session: AsyncSession) -> int:
    """Decisions waiting: pending change requests and waiting proposals (one statement)."""
    requests = sa.select(sa.func.count()).select_from(ChangeRequest).where(PENDING)
    proposals = sa.select(sa.func.count()).select_from(Initiative).where(waiting_proposal())
    total = await session.scalar(
        sa.select(requests.scalar_subquery() + proposals.scalar_subquery())
    )
    return int(total or 0)
