"""Small helpers every domain service shares: fetch-or-404, reference checks, updates."""

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from service.errors import NotFound, PreconditionFailed, ValidationFailed, missing
from service.i18n import gettext as _

M = TypeVar("M", bound=SQLModel)


async def plain_rows(session: AsyncSession, stmt: sa.Executable) -> Sequence[sa.Row[Any]]:
    """The rows of a read on the session's connection: no ORM loading per row (lists
    written straight from their rows)."""
    connection = await session.connection()
    return (await connection.execute(stmt)).all()


def entity_name(model: type[SQLModel]) -> str:
    return model.__name__


async def get_or_404(session: AsyncSession, model: type[M], entity_id: int) -> M:
    """The row with `entity_id`, or a 404 naming the entity."""
    row = await session.get(model, entity_id)
    if row is None:
        name = entity_name(model)
        raise NotFound(missing(name, entity_id), code=f"{_snake(name)}_not_found")
    return row


def expect_version(row: SQLModel, expected: int | None) -> None:
    """Refuse (412, code `stale_version`, with `current_version`) a change made from an
    outdated read; `expected` None means the caller did not ask for the check."""
    current = getattr(row, "version", None)
    if expected is None or current == expected:
        return
    name = entity_name(type(row))
    raise PreconditionFailed(
        _(
            "%(entity)s %(id)s is at version %(current)s, not %(expected)s: it changed since"
            " you read it. Read it again and retry."
        )
        % {"entity": name, "id": getattr(row, "id", ""), "current": current, "expected": expected},
        code="stale_version",
        extra={"current_version": current},
    )


async def get_for_update(
    session: AsyncSession, model: type[M], entity_id: int, expected_version: int | None = None
) -> M:
    """The row with `entity_id`, locked until the transaction ends, at `expected_version`.

    The lock makes a concurrent writer wait for this transaction, then read the new
    version: of two writers holding the same version, exactly one gets through. It is
    FOR NO KEY UPDATE, so rows that merely reference this one (a check-in on an initiative
    being edited, a report whose manager is being renamed) are not held up by it.
    """
    lock = {"key_share": True}
    row = await session.get(model, entity_id, with_for_update=lock, populate_existing=True)
    if row is None:
        name = entity_name(model)
        raise NotFound(missing(name, entity_id), code=f"{_snake(name)}_not_found")
    expect_version(row, expected_version)
    return row


async def require_refs(
    session: AsyncSession, model: type[SQLModel], ids: dict[str, int | None]
) -> None:
    """Refuse (422 on the field) any reference in `ids` that names no existing row."""
    wanted = {field: ref for field, ref in ids.items() if ref is not None}
    if not wanted:
        return
    id_col: Any = model.id  # type: ignore[attr-defined]
    found = set((await session.scalars(select(id_col).where(id_col.in_(wanted.values())))).all())
    for field, ref in wanted.items():
        if ref not in found:
            raise ValidationFailed(
                _("%(field)s: %(missing)s")
                % {"field": field, "missing": missing(entity_name(model), ref)},
                code="unknown_reference",
                field=field,
            )


def apply_changes(row: SQLModel, changes: BaseModel | dict[str, Any]) -> dict[str, Any]:
    """Set the given fields on `row`; return {field: (before, after)} of what changed."""
    values = changes if isinstance(changes, dict) else changes.model_dump(exclude_unset=True)
    changed: dict[str, Any] = {}
    for field, value in values.items():
        before = getattr(row, field)
        if before != value:
            changed[field] = (before, value)
            setattr(row, field, value)
    return changed


def ids_of(rows: Iterable[Any]) -> list[int]:
    return [row.id for row in rows]


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))
