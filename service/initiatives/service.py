"""Initiatives: create, read, update, delete, status changes and the list.

Reads return rows of every initiative column plus the figures of the latest check-in
(`health`, `percent_complete`, `last_update_on`; its `spent_to_date` is on the initiative),
fetched in the same statement by the check-in id the database keeps on the initiative.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from schema import ApprovalWaiver, ChangeRequest, Department, Initiative, Person, ProgressUpdate
from schema.enums import InitiativeStatus
from service import audit, crud
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.decisions import gate, governance
from service.errors import Conflict, ValidationFailed, not_found
from service.i18n import gettext as _
from service.initiatives import rules
from service.initiatives.payloads import InitiativeCreate, InitiativeFilter, InitiativeUpdate
from service.listing import initiatives as listing
from service.pagination import keyset

# The latest check-in (by day, then id), outer-joined on the id kept on the initiative.
LATEST = aliased(ProgressUpdate, name="latest")
LATEST_ON = col(LATEST.id) == col(Initiative.last_check_in_id)
LATEST_FIGURES: tuple[Any, ...] = (
    col(LATEST.health),
    col(LATEST.percent_complete),
    col(LATEST.reported_on).label("last_update_on"),
)


def _view() -> sa.Select[Any]:
    """Every initiative column and the latest check-in's figures (null when none)."""
    return sa.select(
        *Initiative.__table__.columns,  # type: ignore[attr-defined]
        *LATEST_FIGURES,
    ).outerjoin(LATEST, LATEST_ON)


async def list_initiatives(
    session: AsyncSession, filters: InitiativeFilter, *, limit: int, cursor: str | None = None
) -> Sequence[sa.Row[Any]]:
    """Initiatives by id after `cursor`, filtered, with their latest check-in: one statement."""
    stmt = _view().where(*listing.conditions(filters_of(filters)))
    return await crud.plain_rows(session, keyset(stmt, listing.ORDER, cursor, limit))


def filters_of(filters: InitiativeFilter) -> listing.InitiativeFilters:
    """The filter layer's meaning of the REST (and export) initiative filters."""
    return listing.InitiativeFilters(
        department_id=filters.department_id,
        statuses=filters.status,
        orientation=filters.orientation,
        origin=filters.origin,
        owner_id=filters.owner_id,
        sponsor_id=filters.sponsor_id,
        is_experiment=filters.is_experiment,
        q=filters.q,
        updated_since=filters.updated_since,
    )


async def get_initiative(session: AsyncSession, initiative_id: int) -> Initiative:
    """The initiative row, or 404."""
    return await crud.get_or_404(session, Initiative, initiative_id)


async def get_initiative_view(session: AsyncSession, initiative_id: int) -> sa.Row[Any]:
    """One initiative with its latest check-in's figures, or 404."""
    row = (await session.execute(_view().where(col(Initiative.id) == initiative_id))).first()
    if row is None:
        raise not_found("Initiative", initiative_id)
    return row


async def get_initiative_detail(
    session: AsyncSession, initiative_id: int
) -> tuple[sa.Row[Any], Sequence[ApprovalWaiver]]:
    """`get_initiative_view` and the approval checks waived on the initiative."""
    row = await get_initiative_view(session, initiative_id)
    return row, await gate.list_waivers(session, initiative_id)


async def create_initiative(
    session: AsyncSession, actor: Actor, data: InitiativeCreate
) -> sa.Row[Any]:
    """Create an initiative, `proposed` unless `approved` is asked for: the CDO office,
    through the approval gate like any move to approved."""
    policy.require(actor, Permission.edit_initiative, department_id=data.department_id)
    governance.refuse_reserved_status(actor, data.status)
    if data.status not in rules.STARTING_STATUSES:
        raise ValidationFailed(
            _("A new initiative starts as proposed or approved, not %(status)s.")
            % {"status": rules.status_word(data.status)},
            code="invalid_initial_status",
            field="status",
        )
    await _refuse_duplicate_code(session, data.code)
    await _require_refs(session, data.model_dump(exclude_unset=True))
    values = data.model_dump(exclude={"waivers"})
    values["client_share"] = _client_share(data.orientation, data.client_share, keep=None)
    rules.raise_first(rules.check(values.get, current_status=None))
    initiative = Initiative(**values)
    session.add(initiative)
    await session.flush()
    after = audit.row_values(initiative)
    await audit.record(session, actor, "create", "initiative", _id(initiative), after=after)
    if data.status == InitiativeStatus.approved:
        await gate.require_approval(session, actor, initiative, values.get, data.waivers)
    else:
        gate.refuse_misplaced_waivers(data.waivers)
    return await get_initiative_view(session, _id(initiative))


async def get_for_edit(
    session: AsyncSession, actor: Actor, initiative_id: int, expected_version: int | None = None
) -> Initiative:
    """The initiative, locked, once `actor` may edit it and it is at `expected_version`."""
    initiative = await crud.get_for_update(session, Initiative, initiative_id)
    policy.require(actor, Permission.edit_initiative, department_id=initiative.department_id)
    crud.expect_version(initiative, expected_version)
    return initiative


@dataclass(frozen=True)
class InitiativeEdit:
    """The initiative after an edit, and the change request holding the governed fields
    the CDO office decides (None when everything applied)."""

    row: sa.Row[Any]
    change_request: ChangeRequest | None


async def update_initiative(
    session: AsyncSession,
    actor: Actor,
    initiative_id: int,
    data: InitiativeUpdate,
    *,
    expected_version: int | None = None,
    change_request_id: int | None = None,
) -> sa.Row[Any]:
    """`edit_initiative`, answering the initiative as it now is."""
    options = {"expected_version": expected_version, "change_request_id": change_request_id}
    return (await edit_initiative(session, actor, initiative_id, data, **options)).row


async def edit_initiative(
    session: AsyncSession,
    actor: Actor,
    initiative_id: int,
    data: InitiativeUpdate,
    *,
    expected_version: int | None = None,
    change_request_id: int | None = None,
) -> InitiativeEdit:
    """Change the given fields, from `expected_version`; a new `status` must be an allowed
    transition. Only the CDO office or the department's head, into their department; the
    governed fields of a head's change wait for the CDO office (service.decisions)."""
    initiative = await get_for_edit(session, actor, initiative_id, expected_version)
    changes = data.model_dump(exclude_unset=True, exclude={"waivers"})
    if changes.get("department_id", initiative.department_id) != initiative.department_id:
        policy.require(actor, Permission.edit_initiative, department_id=changes["department_id"])
    if "code" in changes and changes["code"] != initiative.code:
        await _refuse_duplicate_code(session, changes["code"])
    await _require_refs(session, changes)
    orientation = changes.get("orientation", initiative.orientation)
    same_orientation = orientation == initiative.orientation
    changes["client_share"] = _client_share(
        orientation,
        changes.get("client_share"),
        keep=initiative.client_share if same_orientation else None,
    )

    def final(field: str) -> Any:
        return changes.get(field, getattr(initiative, field))

    rules.raise_first(rules.check(final, current_status=initiative.status))
    held = await governance.govern(
        session, actor, initiative, changes, final, data.waivers, request_id=change_request_id
    )
    changed = crud.apply_changes(initiative, changes)
    action = "transition" if "status" in changed else "update"
    await audit.record_changes(session, actor, "initiative", initiative, changed, action=action)
    return InitiativeEdit(await get_initiative_view(session, initiative_id), held)


async def delete_initiative(
    session: AsyncSession, actor: Actor, initiative_id: int, *, expected_version: int | None = None
) -> None:
    """Delete a `proposed` initiative (409 otherwise: stop it instead)."""
    initiative = await get_for_edit(session, actor, initiative_id, expected_version)
    if initiative.status != InitiativeStatus.proposed:
        raise Conflict(
            _(
                "Only a proposed initiative can be deleted; %(code)s is %(status)s. Stop it"
                " with lessons learned instead."
            )
            % {"code": initiative.code, "status": rules.status_word(initiative.status)},
            code="not_deletable",
        )
    before = audit.row_values(initiative)
    await session.delete(initiative)
    await session.flush()
    await audit.record(session, actor, "delete", "initiative", initiative_id, before=before)


def _client_share(orientation: str, given: Decimal | None, *, keep: Decimal | None) -> Decimal:
    share, breach = rules.client_share(orientation, given, keep=keep)
    rules.raise_first([breach] if breach else [])
    return share


async def _refuse_duplicate_code(session: AsyncSession, code: str) -> None:
    found = await session.scalar(sa.select(col(Initiative.id)).where(col(Initiative.code) == code))
    if found is not None:
        raise Conflict(
            _("An initiative with code '%(code)s' already exists.") % {"code": code},
            code="duplicate_code",
            field="code",
        )


async def _require_refs(session: AsyncSession, values: dict[str, Any]) -> None:
    await crud.require_refs(session, Department, {"department_id": values.get("department_id")})
    people = {field: values.get(field) for field in ("owner_id", "sponsor_id")}
    await crud.require_refs(session, Person, people)


def _id(initiative: Initiative) -> int:
    assert initiative.id is not None
    return initiative.id
