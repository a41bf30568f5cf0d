"""KPI drivers never form a cycle: the rule, for the REST service and the import."""

from collections.abc import Iterator

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.errors import Conflict
from service.i18n import gettext as _

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
