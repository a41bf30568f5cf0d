"""The initiative forms: create, edit, status change. `submit_create` returns the saved
initiative's id, the edit and status forms the message to flash; each returns None with
the form state carrying the errors to show."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from schema.enums import InitiativeStatus, Role
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.errors import DomainError, PreconditionFailed
from service.i18n import N_
from service.i18n import gettext as _
from service.initiatives import rules
from service.initiatives import service as initiatives
from service.initiatives.payloads import InitiativeCreate, InitiativeUpdate
from service.pages.forms import FormState, clean, parse, refuse
from service.pages.render import label
from service.pages.views import initiative_links, options

OPTIONAL = ("sponsor_id", "start_date", "target_date", "client_share", "budget_planned")
NULLABLE = ("sponsor_id", "start_date", "target_date")
PEOPLE = ("owner_id", "sponsor_id")  # chosen with the people picker
EDITABLE = (
    "code",
    "title",
    "description",
    "department_id",
    "owner_id",
    "sponsor_id",
    "orientation",
    "client_share",
    "origin",
    "user_need",
    "target_users",
    "is_experiment",
    "hypothesis",
    "start_date",
    "target_date",
    "budget_planned",
)
SENT = N_("Sent to the CDO office for decision.")
STALE = N_(
    "Someone else changed this initiative after you opened the form (it is now at version"
    " %(current)s). Your changes are kept below: check the initiative's current values, then"
    " save again to apply yours."
)


async def form_context(session: AsyncSession, actor: Actor, state: FormState) -> dict[str, Any]:
    """The choices of the initiative form: the departments the actor may write for, and the
    labels of the people and KPIs already chosen (the pickers search for the others)."""
    departments = await options.departments(session)
    if actor.role is not Role.cdo_office:
        departments = [d for d in departments if d.id == actor.department_id]
    kpi_rows = range(1, initiative_links.NEW_KPI_ROWS + 1)
    values = state.values
    chosen = {name: await options.person_label(session, values.get(name)) for name in PEOPLE}
    for row in kpi_rows:
        chosen[f"kpi_id_{row}"] = await options.kpi_label(session, values.get(f"kpi_id_{row}"))
    return {
        "form": state,
        "department_choices": [(d.id, d.name) for d in departments],
        "chosen": chosen,
        "kpi_rows": kpi_rows,
    }


def values_of(row: Any) -> dict[str, Any]:
    """The form values of a stored initiative."""
    values = {name: getattr(row, name) for name in EDITABLE}
    values["version"] = row.version
    return values


def _values(form: dict[str, str], *, editing: bool) -> dict[str, Any]:
    values = clean({k: v for k, v in form.items() if k in EDITABLE or k == "status"}, OPTIONAL)
    values["is_experiment"] = form.get("is_experiment") in ("on", "true", "1")
    if values.get("orientation") != "hybrid":
        values.pop("client_share", None)
    if editing:
        values.pop("status", None)
        for name in NULLABLE:
            values.setdefault(name, None)
    return values


def _may_write(actor: Actor, department_id: int | None, state: FormState) -> bool:
    if department_id is None or policy.allowed(
        actor, Permission.edit_initiative, department_id=department_id
    ):
        return True
    state.errors["department_id"] = _("You can only write initiatives of your own department.")
    return False


async def submit_create(
    session: AsyncSession, actor: Actor, form: dict[str, str], state: FormState
) -> int | None:
    """Create the initiative the form describes, linked to the KPIs it names (in one go)."""
    state.values = dict(form)
    data = parse(InitiativeCreate, _values(form, editing=False), state)
    kpi_links = initiative_links.new_kpi_links(form, state)
    if data is None or state.failed or not _may_write(actor, data.department_id, state):
        return None
    try:
        row = await initiatives.create_initiative(session, actor, data)
    except DomainError as exc:
        await session.rollback()
        refuse(state, exc, set(EDITABLE) | {"status"})
        return None
    # All or nothing: a refused KPI link leaves no initiative behind.
    if not await initiative_links.put_new_kpi_links(session, actor, int(row.id), kpi_links, state):
        await session.rollback()
        return None
    return int(row.id)


async def submit_edit(
    session: AsyncSession, actor: Actor, initiative_id: int, form: dict[str, str], state: FormState
) -> str | None:
    """Apply the edit form to the initiative, unless it changed since the form was opened;
    governed changes of a department head go to the CDO office (the message says so)."""
    state.values = dict(form)
    data = parse(InitiativeUpdate, _values(form, editing=True), state)
    if data is None or not _may_write(actor, data.department_id, state):
        return None
    try:
        edit = await initiatives.edit_initiative(
            session, actor, initiative_id, data, expected_version=_version(form)
        )
    except PreconditionFailed as exc:
        await session.rollback()
        state.error = _(STALE) % {"current": exc.extra.get("current_version")}
        state.values["version"] = exc.extra.get("current_version")
        return None
    except DomainError as exc:
        await session.rollback()
        refuse(state, exc, set(EDITABLE))
        return None
    return _("Changes saved.") if edit.change_request is None else _(SENT)


async def submit_status(
    session: AsyncSession, actor: Actor, initiative_id: int, form: dict[str, str], state: FormState
) -> str | None:
    """Move the initiative to the status the form names; closing it (done or stopped) is
    confirmed and states its lessons learned (required to stop); a department head's
    governed move goes to the CDO office (the message says so)."""
    state.values = dict(form)
    values: dict[str, Any] = {"status": form.get("status", "")}
    closing = values["status"] in rules.CLOSED_STATUSES
    lessons = form.get("lessons_learned", "").strip()
    if closing and (lessons or values["status"] == InitiativeStatus.stopped):
        values["lessons_learned"] = lessons
    data = parse(InitiativeUpdate, values, state, {"status": _("New status")})
    if closing and form.get("confirm") not in ("on", "true", "1"):
        state.errors["confirm"] = _(
            "Confirm that you understand closing the initiative cannot be undone."
        )
    if data is None or state.failed:
        return None
    try:
        edit = await initiatives.edit_initiative(
            session, actor, initiative_id, data, expected_version=_version(form)
        )
    except PreconditionFailed:
        await session.rollback()
        state.error = _("Someone changed this initiative meanwhile. Check its status, then retry.")
        return None
    except DomainError as exc:
        await session.rollback()
        # Unmet approval checks are about the initiative, not the chosen status: above the form.
        gate = exc.code == "approval_checks_failed"
        refuse(state, exc, set() if gate else {"lessons_learned", "status"})
        return None
    if edit.change_request is not None:
        return _(SENT)
    return _("Status changed to %(status)s.") % {"status": label(values["status"]).lower()}


def _version(form: dict[str, str]) -> int:
    """The version the form was opened at (-1, never current, when it is missing)."""
    version = form.get("version", "")
    return int(version) if version.isdigit() else -1


def require_edit(actor: Actor, row: Any) -> None:
    """Forbidden unless the actor may change this initiative."""
    policy.require(actor, Permission.edit_initiative, department_id=row.department_id)
