"""The "What if" page: build moves from a form, evaluate, save, compare and apply them.

The form has a fixed number of move rows; each names an initiative by its code and says
what changes (status, budget, orientation, lessons learned on a stop). Blank rows and
blank fields are left out.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from schema.enums import InitiativeStatus, Orientation
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.errors import DomainError
from service.i18n import gettext as _
from service.pages.forms import FormState
from service.scenarios import evaluation
from service.scenarios import service as scenarios
from service.scenarios.payloads import (
    ScenarioCreate,
    ScenarioDetail,
    ScenarioEvaluation,
    ScenarioMove,
)
from service.validation_words import sentence

ROWS = 8
# A form field of one move row, and the move field it carries.
ROW_FIELDS = {
    "code": "initiative_id",
    "status": "status",
    "budget": "budget_planned",
    "orientation": "orientation",
    "share": "client_share",
    "lessons": "lessons_learned",
}
MOVE_ERROR = re.compile(r"^moves\[(\d+)\]\.(\w+)$|^moves\.(\d+)\.(\w+)")
STATUSES = [(s.value, s.value) for s in InitiativeStatus]
ORIENTATIONS = [(o.value, o.value) for o in Orientation]


@dataclass
class Builder:
    """The scenario form as shown: its state, and the evaluation when there is one."""

    form: FormState = field(default_factory=FormState)
    result: ScenarioEvaluation | None = None
    saved: list[Any] = field(default_factory=list)
    rows: int = ROWS
    statuses: list[tuple[str, str]] = field(default_factory=lambda: STATUSES)
    orientations: list[tuple[str, str]] = field(default_factory=lambda: ORIENTATIONS)


def may_save(actor: Actor) -> bool:
    """Whether the actor may save scenarios (the page hides the form otherwise)."""
    return policy.allowed(actor, Permission.save_scenario)


def may_apply(actor: Actor) -> bool:
    """Whether the actor may apply a scenario."""
    return policy.allowed(actor, Permission.decide)


async def builder(session: AsyncSession, form: FormState | None = None) -> Builder:
    """The page: the form (blank or as posted) and the saved scenarios."""
    saved = await scenarios.list_scenarios(session, limit=200)
    return Builder(form=form or FormState(), saved=list(saved))


def _rows(form: dict[str, str]) -> list[tuple[int, dict[str, str]]]:
    """The filled rows: (row number, {form field: value}) with blanks left out."""
    rows = []
    for row in range(ROWS):
        values = {name: form.get(f"m{row}_{name}", "").strip() for name in ROW_FIELDS}
        if values["code"]:
            rows.append((row, {k: v for k, v in values.items() if v}))
    return rows


async def _moves(
    session: AsyncSession, form: dict[str, str], state: FormState
) -> tuple[list[ScenarioMove], list[int]] | None:
    """The moves of the form and the row of each; None with errors next to their field."""
    rows = _rows(form)
    ids = await evaluation.ids_by_code(session, [values["code"] for _row, values in rows])
    moves: list[ScenarioMove] = []
    numbers: list[int] = []
    for row, values in rows:
        if values["code"] not in ids:
            state.errors[f"m{row}_code"] = _("No initiative has the code %(code)s.") % {
                "code": values["code"]
            }
            continue
        data: dict[str, Any] = {ROW_FIELDS[name]: value for name, value in values.items()}
        data["initiative_id"] = ids[values["code"]]
        try:
            moves.append(ScenarioMove.model_validate(data))
        except ValidationError as exc:
            error = exc.errors()[0]
            loc = error.get("loc") or ("initiative_id",)
            state.errors[f"m{row}_{_form_name(str(loc[0]))}"] = sentence(error)
            continue
        numbers.append(row)
    if not rows:
        state.error = _("Name at least one initiative by its code.")
    return None if state.failed else (moves, numbers)


def _form_name(move_field: str) -> str:
    names = {move: name for name, move in ROW_FIELDS.items()}
    return names.get(move_field, "code")


def _refused(state: FormState, exc: DomainError, numbers: list[int]) -> None:
    """Put a refusal naming a move next to that row's field."""
    found = MOVE_ERROR.match(exc.field or "")
    if found is None:
        state.error = exc.detail
        return
    index = int(found.group(1) or found.group(3))
    name = _form_name(found.group(2) or found.group(4))
    state.errors[f"m{numbers[index]}_{name}"] = exc.detail


async def evaluate_form(session: AsyncSession, form: dict[str, str]) -> Builder:
    """Evaluate the posted moves; the page shows the result or the errors."""
    state = FormState(values=dict(form))
    parsed = await _moves(session, form, state)
    result = None
    if parsed is not None:
        try:
            result = await evaluation.evaluate(session, parsed[0])
        except DomainError as exc:
            _refused(state, exc, parsed[1])
    page = await builder(session, state)
    page.result = result
    return page


async def save_form(
    session: AsyncSession, actor: Actor, form: dict[str, str]
) -> tuple[int | None, Builder | None]:
    """Save the posted moves under their name: (its id, None), or (None, the page)."""
    state = FormState(values=dict(form))
    parsed = await _moves(session, form, state)
    name = form.get("name", "").strip()
    if not name:
        state.errors["name"] = _("Give the scenario a name.")
    if parsed is None or state.failed:
        return None, await builder(session, state)
    data = ScenarioCreate(name=name, description=form.get("description", ""), moves=parsed[0])
    try:
        scenario = await scenarios.save_scenario(session, actor, data)
    except DomainError as exc:
        await session.rollback()
        if exc.field == "name":
            state.errors["name"] = exc.detail
        else:
            _refused(state, exc, parsed[1])
        return None, await builder(session, state)
    return scenario.id, None


async def detail(session: AsyncSession, scenario_id: int) -> dict[str, Any]:
    """One saved scenario, its moves with codes, and its evaluation."""
    found: ScenarioDetail = await scenarios.get_scenario(session, scenario_id)
    ids = [int(move["initiative_id"]) for move in found.moves]
    codes = await evaluation.codes_by_id(session, ids)
    return {"scenario": found, "codes": codes}


async def apply(session: AsyncSession, actor: Actor, scenario_id: int) -> str | None:
    """Apply a saved scenario; the refusal's sentence when it is refused (nothing changes)."""
    try:
        await scenarios.apply_scenario(session, actor, scenario_id)
    except DomainError as exc:
        await session.rollback()
        return exc.detail
    return None


def department_rows(result: ScenarioEvaluation) -> list[tuple[str, list[Any]]]:
    """Per department code: [its balance today or None, after or None], by code."""
    rows: dict[str, list[Any]] = {}
    for side, balance in enumerate((result.before.balance, result.after.balance)):
        for department in balance.departments:
            rows.setdefault(department.department_code, [None, None])[side] = department
    return sorted(rows.items())
