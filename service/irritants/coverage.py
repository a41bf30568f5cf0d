"""How much of what hurts employees the portfolio's work addresses: the share of the open
irritants' votes that go to irritants linked to an active initiative, overall and per
department: `GET /api/v1/portfolio/irritant-votes`, the dashboard, the departments page.

"Active" means as in the balance (approved, in progress, on hold) unless the request names
other statuses, so a what-if view with `proposed` counts proposals as addressing too.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Department
from service.errors import ValidationFailed
from service.i18n import gettext as _

COVERAGE = """
WITH open_votes AS (
    SELECT r.department_id, r.vote_count, EXISTS (
        SELECT 1 FROM initiative_irritant l JOIN initiative i ON i.id = l.initiative_id
        WHERE l.irritant_id = r.id AND i.status = ANY(CAST(:statuses AS text[]))
    ) AS addressed
    FROM irritant r
    WHERE r.status = 'open'
        AND (CAST(:department AS text) IS NULL
             OR r.department_id = (SELECT id FROM department WHERE code = :department))
)
SELECT d.code AS department_code, GROUPING(d.code) = 1 AS is_total,
    coalesce(sum(v.vote_count), 0) AS open_votes,
    coalesce(sum(v.vote_count) FILTER (WHERE v.addressed), 0) AS addressed_votes,
    round(coalesce(sum(v.vote_count) FILTER (WHERE v.addressed), 0)
        / nullif(sum(v.vote_count), 0)::numeric, 4) AS addressed_share
FROM open_votes v JOIN department d ON d.id = v.department_id
GROUP BY GROUPING SETS ((d.code), ())
ORDER BY is_total DESC, d.code
"""


class DepartmentIrritantVotes(BaseModel):
    department_code: str
    open_votes: int = Field(description="Votes on the department's open irritants.")
    addressed_votes: int = Field(description="Those on irritants active work addresses.")
    addressed_share: Decimal | None = Field(
        description="addressed_votes / open_votes, 4 places; null without open votes."
    )


class IrritantVotes(BaseModel):
    """The share of the open irritants' votes that active work addresses."""

    open_votes: int = Field(description="Votes on every open irritant.")
    addressed_votes: int = Field(description="Those on irritants an active initiative addresses.")
    addressed_share: Decimal | None = Field(
        description="addressed_votes / open_votes, 4 places; null without open votes."
    )
    departments: list[DepartmentIrritantVotes] = Field(
        description="Per department with open irritants, by code."
    )


async def irritant_votes(
    session: AsyncSession, statuses: Sequence[str], department: str | None = None
) -> IrritantVotes:
    """The share of open votes addressed by initiatives in `statuses` (one statement)."""
    if department is not None:
        known = await session.scalar(
            sa.select(col(Department.id)).where(col(Department.code) == department)
        )
        if known is None:
            raise ValidationFailed(
                _("department: no department has the code %(code)r.") % {"code": department},
                code="unknown_reference",
                field="department",
            )
    params = {"statuses": list(statuses), "department": department}
    rows = (await session.execute(text(COVERAGE), params)).all()
    total: Any = rows[0] if rows and rows[0].is_total else None
    return IrritantVotes(
        open_votes=total.open_votes if total else 0,
        addressed_votes=total.addressed_votes if total else 0,
        addressed_share=total.addressed_share if total else None,
        departments=[
            DepartmentIrritantVotes.model_validate(row, from_attributes=True)
            for row in rows
            if not row.is_total
        ],
    )
