"""KPI drivers: which KPIs drive which, and the rule that they never form a cycle (for the
REST service and the import)."""

from collections.abc import Iterator

from sqlalchemy import and_, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Kpi, KpiDriver
from service import audit, crud
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.errors import Conflict, NotFound, ValidationFailed
from service.i18n import gettext as _
from service.kpis.payloads import DriverCreate
from service.kpis.service import get_kpi

# The lock the database trigger kpi_driver_no_cycle takes: held from the check to the
# commit, a concurrent driver link waits, then sees this one.
DRIVER_LOCK = text("SELECT pg_advisory_xact_lock(hashtext('kpi_driver'))")
# The codes from the driver down to itself through the driven KPI, when `driven` already
# drives `driver` (directly or not): the loop the new link would close.
DRIVER_CYCLE = text("""
WITH RECURSIVE chain(id, ids) AS (
    SELECT CAST(:driven AS bigint), ARRAY[CAST(:driven AS bigint)]
    UNION ALL
    SELECT d.driven_kpi_id, c.ids || d.driven_kpi_id
    FROM kpi_driver d JOIN chain c ON d.driver_kpi_id = c.id
    WHERE NOT d.driven_kpi_id = ANY(c.ids)
)
SELECT k.code
FROM (SELECT ids FROM chain WHERE id = :driver ORDER BY cardinality(ids) LIMIT 1) c
CROSS JOIN LATERAL unnest(CAST(:driver AS bigint) || c.ids) WITH ORDINALITY AS p(id, n)
JOIN kpi k ON k.id = p.id
ORDER BY p.n
""")


def driver_cycle_message(codes: list[str]) -> str:
    """The sentence naming a KPI driver cycle, as codes A → B → A (every surface says it)."""
    return _("This driver makes a KPI driver cycle: %(cycle)s.") % {"cycle": " → ".join(codes)}


async def refuse_cycle(session: AsyncSession, driver_kpi_id: int, kpi_id: int) -> None:
    """Refuse (409 `kpi_driver_cycle`) a driver that the KPI already drives, at any depth."""
    await session.execute(DRIVER_LOCK)
    params = {"driver": driver_kpi_id, "driven": kpi_id}
    codes = list((await session.scalars(DRIVER_CYCLE, params)).all())
    if codes:
        raise Conflict(
            driver_cycle_message(codes),
            code="kpi_driver_cycle",
            field="driver_kpi_id",
            extra={"cycle": codes},
        )


def cycles(edges: set[tuple[str, str]]) -> Iterator[list[str]]:
    """Each loop of (driver, driven) code pairs, once, as codes A → B → A from its least code."""
    down: dict[str, list[str]] = {}
    for driver, driven in sorted(edges):
        down.setdefault(driver, []).append(driven)
    seen: set[frozenset[str]] = set()
    for start in sorted(down):
        path = _path_back(down, start)
        if path is not None and frozenset(path) not in seen:
            seen.add(frozenset(path))
            yield [*path, start]


def _path_back(down: dict[str, list[str]], start: str) -> list[str] | None:
    """The shortest path from `start` back to itself (breadth first), without the end."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in down.get(node, []):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return path[::-1]
                if nxt not in previous:
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    return None


async def list_drivers(session: AsyncSession, kpi_id: int) -> tuple[list[Kpi], list[Kpi]]:
    """The KPIs that drive this one, and those it drives (each in id order)."""
    await get_kpi(session, kpi_id)
    drives_it = and_(
        col(KpiDriver.driver_kpi_id) == col(Kpi.id), col(KpiDriver.driven_kpi_id) == kpi_id
    )
    driven_by_it = and_(
        col(KpiDriver.driven_kpi_id) == col(Kpi.id), col(KpiDriver.driver_kpi_id) == kpi_id
    )
    stmt = (
        select(Kpi, col(KpiDriver.driven_kpi_id) == kpi_id)
        .join(KpiDriver, or_(drives_it, driven_by_it))
        .order_by(col(Kpi.id))
    )
    rows = (await session.execute(stmt)).all()
    drivers = [kpi for kpi, drives_this in rows if drives_this]
    driven = [kpi for kpi, drives_this in rows if not drives_this]
    return drivers, driven


async def add_driver(
    session: AsyncSession, actor: Actor, kpi_id: int, data: DriverCreate
) -> KpiDriver:
    """Record that `driver_kpi_id` drives this KPI (CDO office)."""
    policy.require(actor, Permission.manage_kpis)
    await get_kpi(session, kpi_id)
    if data.driver_kpi_id == kpi_id:
        raise ValidationFailed(
            _("A KPI cannot drive itself."), code="self_driver", field="driver_kpi_id"
        )
    await crud.require_refs(session, Kpi, {"driver_kpi_id": data.driver_kpi_id})
    if await _find_driver(session, kpi_id, data.driver_kpi_id) is not None:
        raise Conflict(
            _("KPI %(driver)s already drives KPI %(id)s.")
            % {"driver": data.driver_kpi_id, "id": kpi_id},
            code="duplicate_driver",
            field="driver_kpi_id",
        )
    await refuse_cycle(session, data.driver_kpi_id, kpi_id)
    link = KpiDriver(driver_kpi_id=data.driver_kpi_id, driven_kpi_id=kpi_id)
    session.add(link)
    await session.flush()
    assert link.id is not None
    after, parent = audit.row_values(link), ("kpi", kpi_id)
    await audit.record(session, actor, "create", "kpi_driver", link.id, after=after, parent=parent)
    return link


async def _find_driver(session: AsyncSession, kpi_id: int, driver_kpi_id: int) -> KpiDriver | None:
    stmt = select(KpiDriver).where(
        col(KpiDriver.driven_kpi_id) == kpi_id, col(KpiDriver.driver_kpi_id) == driver_kpi_id
    )
    return await session.scalar(stmt)


async def remove_driver(
    session: AsyncSession, actor: Actor, kpi_id: int, driver_kpi_id: int
) -> None:
    """Remove the link saying `driver_kpi_id` drives this KPI (404 when there is none; CDO
    office)."""
    policy.require(actor, Permission.manage_kpis)
    await get_kpi(session, kpi_id)
    link = await _find_driver(session, kpi_id, driver_kpi_id)
    if link is None:
        raise NotFound(
            _("KPI %(driver)s does not drive KPI %(id)s.")
            % {"driver": driver_kpi_id, "id": kpi_id},
            code="kpi_driver_not_found",
        )
    assert link.id is not None
    link_id, before = link.id, audit.row_values(link)
    await session.delete(link)
    await session.flush()
    parent = ("kpi", kpi_id)
    await audit.record(
        session, actor, "delete", "kpi_driver", link_id, before=before, parent=parent
    )
