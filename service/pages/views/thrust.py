"""What the initiative and KPI pages show of the thrust and of outcome attribution.

The chain view reads left to right (top to bottom on a phone): the internal initiatives
moving the employee KPIs, the employee KPIs, the customer KPIs they drive, the promise.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from service.thrust import service as thrust_service
from service.thrust.payloads import (
    InitiativeOutcome,
    KpiContributions,
    ThrustInitiative,
    ThrustPublic,
)

# Initiatives listed per employee KPI on the page; the count shows the rest.
PER_DRIVER = 5
CONTRIBUTIONS_SHOWN = 20


@dataclass(frozen=True)
class ExColumnItem:
    """An employee KPI in the chain, the customer KPIs it reaches and how far they are."""

    id: int
    code: str
    name: str
    reaches: list[str]
    depth: int
    paths: list[str]
    initiative_count: int


@dataclass
class ChainView:
    thrust: ThrustPublic
    enablers: list[ThrustInitiative] = field(default_factory=list)
    ex_kpis: list[ExColumnItem] = field(default_factory=list)

    @property
    def drawn(self) -> bool:
        """True when there is a chain to draw (a promise with customer KPIs)."""
        return bool(self.thrust.cx_kpis)


def chain_view(thrust: ThrustPublic) -> ChainView:
    """The four columns of the chain, each initiative and KPI once."""
    view = ChainView(thrust=thrust)
    movers: dict[int, ThrustInitiative] = {e.id: e for e in thrust.enablers if e.live}
    ex: dict[int, dict[str, Any]] = {}
    counted: dict[int, int] = {}
    for cx in thrust.cx_kpis:
        for driver in cx.drivers:
            item = ex.setdefault(
                driver.kpi.id,
                {"kpi": driver.kpi, "reaches": [], "depth": driver.depth, "paths": []},
            )
            item["reaches"].append(cx.kpi.code)
            item["depth"] = min(item["depth"], driver.depth)
            item["paths"].append(" → ".join(driver.path))
            counted[driver.kpi.id] = driver.initiative_count
            for mover in driver.initiatives:
                movers.setdefault(mover.id, mover)
    view.ex_kpis = [
        ExColumnItem(
            id=v["kpi"].id,
            code=v["kpi"].code,
            name=v["kpi"].name,
            reaches=v["reaches"],
            depth=v["depth"],
            paths=v["paths"],
            initiative_count=counted[kpi_id],
        )
        for kpi_id, v in sorted(ex.items(), key=lambda kv: (kv[1]["depth"], kv[1]["kpi"].code))
    ]
    view.enablers = sorted(
        movers.values(), key=lambda m: (not m.declared, not m.live, m.target_date is None, m.code)
    )
    return view


@dataclass(frozen=True)
class InitiativeThrust:
    chain: ChainView
    outcomes: list[InitiativeOutcome]


async def for_initiative(session: AsyncSession, initiative_id: int) -> InitiativeThrust:
    """The chain view and the KPI outcomes of the initiative page."""
    thrust = await thrust_service.thrust(session, initiative_id, per_driver=PER_DRIVER)
    outcomes = await thrust_service.outcomes(session, initiative_id)
    return InitiativeThrust(chain=chain_view(thrust), outcomes=outcomes.items)


async def for_kpi(session: AsyncSession, kpi_id: int) -> KpiContributions:
    """The most credited initiatives of the KPI page."""
    return await thrust_service.contributions(session, kpi_id, limit=CONTRIBUTIONS_SHOWN)
