"""The demo's story after its import: what the company is deciding on the day it is loaded.

The import writes the company as it stands (people, KPIs, initiatives, measurements,
check-ins). The decision room comes next, through the services a department head and the
CDO office use: four pending change requests (a relabel, a budget jump, a proposal that
passes the approval gate and one that fails it for a missing enabler) and one saved
scenario to compare; then the employees' irritants with their votes (service/irritants/demo.py).
Told once: a database that already holds a change request or a
scenario is left as it is. Told after the demo accounts exist, the requests are the heads'
own (they see and can withdraw them).
"""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from service.decisions.demo import seed_decisions
from service.irritants.demo import seed_irritants
from service.scenarios.demo import seed_scenario

TOLD_SQL = sa.text(
    "SELECT EXISTS (SELECT 1 FROM change_request) OR EXISTS (SELECT 1 FROM scenario)"
)


async def tell(session: AsyncSession, today: date) -> bool:
    """Seed the decision room on the freshly loaded demo company; False if already told."""
    if await session.scalar(TOLD_SQL):
        return False
    await seed_scenario(session)
    await seed_decisions(session, today)
    await seed_irritants(session)
    return True
