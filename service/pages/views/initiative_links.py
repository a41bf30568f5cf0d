"""The small forms linking an initiative to the KPIs it moves and to other initiatives,
and the KPI links of the new-initiative form."""

from decimal import Decimal, InvalidOperation

from sqlalchemy.ext.asyncio import AsyncSession

from schema.enums import LinkKind
from service.actor import Actor
from service.errors import DomainError
from service.i18n import gettext as _
from service.initiatives import browse, links
from service.initiatives.payloads import KpiLinkPut, LinkCreate
from service.pages.forms import FormState, parse, refuse

# How the form says it -> (this initiative is the source?, the stored kind)
DIRECTIONS = {
    "enabled_by": (False, LinkKind.enables),
    "enables": (True, LinkKind.enables),
    "depends_on": (True, LinkKind.depends_on),
}
NEW_KPI_ROWS = 3  # KPI links offered on the new-initiative form


def _weight(text: str, state: FormState, name: str = "weight") -> Decimal | None:
    try:
        weight = Decimal(text.strip() or "100") / 100
    except InvalidOperation:
        weight = None
    if weight is None or not Decimal(0) <= weight <= 1:
        state.errors[name] = _("Enter a percentage between 0 and 100.")
        return None
    return weight


def _kpi_id(text: str, state: FormState, name: str) -> int | None:
    if not text.strip().isdigit():
        state.errors[name] = _("Choose a KPI from the suggestions (or enter its number).")
        return None
    return int(text.strip())


def new_kpi_links(form: dict[str, str], state: FormState) -> list[tuple[str, int, KpiLinkPut]]:
    """The KPI links asked on the new-initiative form: (field, KPI id, link) per filled row;
    the errors of the rows that are not right go in `state`."""
    wanted: list[tuple[str, int, KpiLinkPut]] = []
    for row in range(1, NEW_KPI_ROWS + 1):
        name = f"kpi_id_{row}"
        if not form.get(name, "").strip():
            if form.get(f"{name}_search", "").strip():  # typed, but no suggestion chosen
                _kpi_id("", state, name)
            continue
        kpi_id = _kpi_id(form[name], state, name)
        weight = _weight(form.get(f"kpi_weight_{row}", ""), state, f"kpi_weight_{row}")
        if kpi_id is None or weight is None:
            continue
        if any(kpi_id == other for _row, other, _weight in wanted):
            state.errors[name] = _("This KPI is already linked in a row above.")
            continue
        wanted.append((name, kpi_id, KpiLinkPut(weight=weight, rationale="")))
    return wanted


async def put_new_kpi_links(
    session: AsyncSession,
    actor: Actor,
    initiative_id: int,
    wanted: list[tuple[str, int, KpiLinkPut]],
    state: FormState,
) -> bool:
    """Link the just-created initiative to the KPIs asked; False, with the refusal next to
    the row's field, at the first link refused (the caller rolls everything back)."""
    for name, kpi_id, link in wanted:
        try:
            await links.put_kpi_link(session, actor, initiative_id, kpi_id, link)
        except DomainError as exc:
            state.errors[name] = exc.detail
            return False
    return True


async def link_kpi(
    session: AsyncSession, actor: Actor, initiative_id: int, form: dict[str, str], state: FormState
) -> bool:
    """Record (or change) the initiative's contribution to the chosen KPI."""
    state.values = dict(form)
    kpi_id = _kpi_id(form.get("kpi_id", ""), state, "kpi_id")
    weight = _weight(form.get("weight", ""), state)
    data = parse(KpiLinkPut, {"weight": weight, "rationale": form.get("rationale", "")}, state)
    if data is None or kpi_id is None or state.failed:
        return False
    try:
        await links.put_kpi_link(session, actor, initiative_id, kpi_id, data)
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
        state.errors["direction"] = _("Choose how the two initiatives relate.")
    code = form.get("other_code", "").strip()
    other = await browse.initiative_id_by_code(session, code) if code else None
    if other is None:
        state.errors["other_code"] = (
            _("No initiative has the code “%(code)s”.") % {"code": code}
            if code
            else _("Enter the other initiative's code, e.g. INI-012.")
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
