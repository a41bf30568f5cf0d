"""The thrust behind a promise (EX → CX chain) and who moved a KPI (outcome attribution).

Thrust: a client-facing or hybrid initiative is a promise; its chain is the customer KPIs
it is linked to, every employee KPI that drives one of them at any depth (by its shortest
path), and the internal or hybrid initiatives linked to each of those employee KPIs. An
internal initiative is thrust itself: its chain is empty (`reason` says why) and `enables`
lists the initiatives it is linked to enable.

Attribution: an initiative has started when its start date is on or before today. Its
movement on a KPI runs from the KPI's last measurement on or before that start date to
the KPI's latest measurement; no measurement on or before the start (or not started) gives
no movement (null), never a guess from the baseline. The improvement is the movement signed
by the KPI's direction (positive: toward target); the credit is the improvement times the
link's weight as stored (0..1, the share of the KPI the initiative claims: when the
weights of a KPI's active links add up to more than 1, KPI_OVERCLAIMED says so).
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from schema.enums import Orientation
from service.errors import NotFound, ValidationFailed, missing
from service.i18n import N_
from service.i18n import gettext as _
from service.pagination import pack, unpack
from service.thrust import sql
from service.thrust.payloads import (
    Contribution,
    CxKpi,
    ExDriver,
    InitiativeOutcome,
    InitiativeOutcomes,
    KpiContributions,
    KpiRef,
    ThrustInitiative,
    ThrustPublic,
)

# How deep the chain is followed: far beyond any real driver graph, a bound on the walk.
MAX_DEPTH = 12
PER_DRIVER_DEFAULT = 10
PER_DRIVER_MAX = 100

HEADER = text(sql.HEADER)
INTERNAL_REASON = N_(
    "An internal initiative is the thrust behind promises, not a promise: it has no"
    " customer chain of its own. `enables` lists the initiatives it is linked to enable."
)
NO_CX_REASON = N_("It is linked to no customer KPI: there is no EX → CX chain to draw.")


def _initiative(row: Any, *, declared: bool, live: bool, late: bool) -> ThrustInitiative:
    return ThrustInitiative(
        id=row.id,
        code=row.code,
        title=row.title,
        orientation=row.orientation,
        status=row.status,
        health=row.health,
        target_date=row.target_date,
        live=live,
        late=late,
        declared=declared,
    )


async def _header(session: AsyncSession, initiative_id: int) -> Any:
    row = (await session.execute(HEADER, {"id": initiative_id, "today": None})).one_or_none()
    if row is None:
        raise NotFound(missing("Initiative", initiative_id), code="initiative_not_found")
    return row


async def thrust(
    session: AsyncSession, initiative_id: int, *, per_driver: int = PER_DRIVER_DEFAULT
) -> ThrustPublic:
    """The EX → CX chain behind an initiative, its declared enablers and what it enables."""
    if not 0 <= per_driver <= PER_DRIVER_MAX:
        raise ValidationFailed(
            _("per_driver must be between 0 and %(max)s.") % {"max": PER_DRIVER_MAX},
            field="per_driver",
        )
    head = await _header(session, initiative_id)
    declared = (await session.execute(text(sql.DECLARED), {"id": initiative_id})).all()
    is_promise = head.orientation != Orientation.internal
    cx_kpis = await _chain(session, head, per_driver) if is_promise else []
    reason = None
    if not is_promise:
        reason = _(INTERNAL_REASON)
    elif not cx_kpis:
        reason = _(NO_CX_REASON)
    return ThrustPublic(
        initiative=_initiative(head, declared=False, live=False, late=head.late),
        role="promise" if is_promise else "enabler",
        reason=reason,
        cx_kpis=cx_kpis,
        enablers=[
            _initiative(r, declared=True, live=r.live, late=r.late)
            for r in declared
            if r.side == "enabler"
        ],
        enables=[
            _initiative(r, declared=True, live=r.live, late=r.late)
            for r in declared
            if r.side == "enabled"
        ],
        late=head.late,
    )


async def _chain(session: AsyncSession, head: Any, per_driver: int) -> list[CxKpi]:
    params = {"id": head.id, "max_depth": MAX_DEPTH}
    rows = (await session.execute(text(sql.CHAIN), params)).all()
    ex_ids = sorted({r.ex_id for r in rows if r.ex_id is not None})
    movers: dict[int, list[Any]] = {}
    totals: dict[int, int] = {}
    if ex_ids:
        found = await session.execute(
            text(sql.DRIVER_INITIATIVES),
            {"id": head.id, "kpi_ids": ex_ids, "per_driver": per_driver},
        )
        for r in found:
            totals[r.kpi_id] = r.total
            if r.id is not None:
                movers.setdefault(r.kpi_id, []).append(r)
    chain: dict[int, CxKpi] = {}
    for r in rows:
        cx = chain.setdefault(
            r.cx_id, CxKpi(kpi=KpiRef(id=r.cx_id, code=r.cx_code, name=r.cx_name), drivers=[])
        )
        if r.ex_id is None:
            continue
        cx.drivers.append(
            ExDriver(
                kpi=KpiRef(id=r.ex_id, code=r.ex_code, name=r.ex_name),
                depth=r.depth,
                path=list(r.path),
                initiative_count=totals.get(r.ex_id, 0),
                initiatives=[
                    _initiative(m, declared=m.declared, live=m.live, late=m.late)
                    for m in movers.get(r.ex_id, [])
                ],
            )
        )
    return list(chain.values())


async def outcomes(
    session: AsyncSession, initiative_id: int, *, today: date | None = None
) -> InitiativeOutcomes:
    """The initiative's weighted movement of each KPI it is linked to, by KPI code."""
    await _header(session, initiative_id)
    found = await outcomes_of(session, [initiative_id], today=today)
    return InitiativeOutcomes(initiative_id=initiative_id, items=found.get(initiative_id, []))


async def outcomes_of(
    session: AsyncSession, initiative_ids: list[int], *, today: date | None = None
) -> dict[int, list[InitiativeOutcome]]:
    """The outcomes of many initiatives in one statement (those with KPI links only)."""
    params = {"ids": initiative_ids, "today": today}
    found: dict[int, list[InitiativeOutcome]] = {}
    for row in await session.execute(text(sql.OUTCOMES), params):
        found.setdefault(row.initiative_id, []).append(
            InitiativeOutcome.model_validate(row._asdict())
        )
    return found


def _encode(key: str, initiative_id: int) -> str:
    return pack({"after": [key, initiative_id]})


def _decode(cursor: str | None) -> tuple[Decimal, int]:
    """The (rank key, initiative id) a contributions cursor points after."""
    if not cursor:
        return Decimal("-Infinity"), 0
    try:
        key, after = unpack(cursor)["after"]
        if isinstance(after, int) and not isinstance(after, bool) and isinstance(key, str):
            return Decimal(key), after
    except (ValueError, KeyError, TypeError, InvalidOperation):
        pass
    raise ValidationFailed(_("The cursor is not one this API issued."), field="cursor")


async def contributions(
    session: AsyncSession,
    kpi_id: int,
    *,
    limit: int = 50,
    cursor: str | None = None,
    today: date | None = None,
) -> KpiContributions:
    """Who moved a KPI: its initiatives ranked by credit (most first), keyset-paginated."""
    kpi = (await session.execute(text(sql.KPI_HEADER), {"id": kpi_id})).one_or_none()
    if kpi is None:
        raise NotFound(missing("Kpi", kpi_id), code="kpi_not_found")
    key, after = _decode(cursor)
    params = {
        "id": kpi_id,
        "today": today,
        "after_key": str(key),
        "after_id": after,
        "limit": limit + 1,
    }
    rows = (await session.execute(text(sql.CONTRIBUTIONS), params)).all()
    page = [r for r in rows if r.initiative_id is not None]
    more = len(page) > limit
    page = page[:limit]
    first = rows[0]
    return KpiContributions(
        kpi_id=kpi.id,
        kpi_code=kpi.code,
        direction=kpi.direction,
        latest_on=kpi.last_measured_on,
        latest_value=kpi.last_value,
        links=first.links,
        credited_links=first.credited_links,
        credited_total=first.credited_total,
        weight_total=first.weight_total,
        items=[Contribution.model_validate(r._asdict()) for r in page],
        next_cursor=_encode(page[-1].rank_key, page[-1].initiative_id) if more else None,
    )
