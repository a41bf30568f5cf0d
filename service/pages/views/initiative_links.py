"""The small forms of an initiative's page: the KPIs it moves and its links to others."""

from decimal import Decimal, InvalidOperation

from sqlalchemy.ext.asyncio import AsyncSession

from schema.enums import LinkKind
from service.actor import Actor
from service.errors import DomainError
from service.initiatives import browse, links
from service.initiatives.payloads import KpiLinkPut, LinkCreate
from service.kpis import service as kpis
from service.pages.forms import FormState, parse, refuse

# How the form says it -> (this initiative is the source?, the stored kind)
DIRECTIONS = {
    "enabled_by": (False, LinkKind.enables),
    "enables": (True, LinkKind.enables),
    "depends_on": (True, LinkKind.depends_on),
}
MAX_KPIS = 1000


async def kpi_choices(session: AsyncSession) -> list[tuple[int, str]]:
    """Every KPI as (id, `CODE — name`), by code."""
    rows = await kpis.list_kpis(session, limit=MAX_KPIS)
    return sorted(((v.id, f"{v.kpi.code} — {v.kpi.name}") for v in rows), key=lambda c: c[1])


def _weight(text: str, state: FormState) -> Decimal | None:
    try:
        weight = Decimal(text.strip() or "100") / 100
    except InvalidOperation:
        weight = None
    if weight is None or not Decimal(0) <= weight <= 1:
        state.errors["weight"] = "Enter a percentage between 0 and 100."
        return None
    return weight


async def link_kpi(
    session: AsyncSession, actor: Actor, initiative_id: int, form: dict[str, str], state: FormState
) -> bool:
    """Record (or change) the initiative's contribution to the chosen KPI."""
    state.values = dict(form)
    kpi_id = form.get("kpi_id", "")
    if not kpi_id.isdigit():
        state.errors["kpi_id"] = "Choose a KPI."
    weight = _weight(form.get("weight", ""), state)
    data = parse(KpiLinkPut, {"weight": weight, "rationale": form.get("rationale", "")}, state)
    if data is None or state.failed:
        return False
    try:
        await links.put_kpi_link(session, actor, initiative_id, int(kpi_id), data)
    except DomainError as exc:
        await session.rollback()
        refuse(state, exc, {"weight", "rationale"})
        return False
    return True


async def link_initiative(
    session: AsyncSession, actor: Actor, initiative_id: int, form: dict[str, str], state: FormState
) -> bool:
    """Link the initiative to the one with the given code, in the chosen direction."""
    state.values = dict(form)
    direction = DIRECTIONS.get(form.get("direction", ""))
    if direction is None:
        state.errors["direction"] = "Choose how the two initiatives relate."
    code = form.get("other_code", "").strip()
    other = await browse.initiative_id_by_code(session, code) if code else None
    if other is None:
        state.errors["other_code"] = (
            f"No initiative has the code “{code}”."
            if code
            else ("Enter the other initiative's code, e.g. INI-012.")
        )
    if direction is None or other is None:
        return False
    outgoing, kind = direction
    source, target = (initiative_id, other) if outgoing else (other, initiative_id)
    try:
        await links.create_link(session, actor, source, LinkCreate(kind=kind, to_id=target))
    except DomainError as exc:
        await session.rollback()
        state.errors["other_code"] = exc.detail
        return False
    return True
