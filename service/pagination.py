"""Keyset pagination: opaque cursors over ascending ids, so pages never skip or repeat."""

import base64
import json
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select

from service.errors import ValidationFailed
from service.i18n import gettext as _

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list, with the cursor of the next page (null on the last)."""

    items: list[T]
    next_cursor: str | None


def pack(position: Any) -> str:
    """An opaque cursor carrying a position in a keyset order (any JSON value)."""
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unpack(cursor: str) -> Any:
    """The position a cursor carries; a ValueError when it is not one `pack` made.

    Each list checks the position's shape itself and answers 422 on its own field.
    """
    padded = cursor + "=" * (-len(cursor) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode()))  # errors are ValueErrors


def encode_cursor(last_id: int) -> str:
    """An opaque cursor pointing after `last_id`."""
    return pack({"after": last_id})


def decode_cursor(cursor: str | None) -> int | None:
    """The id a cursor points after; a malformed cursor is a 422 on `cursor`."""
    if not cursor:
        return None
    try:
        value = unpack(cursor)["after"]
    except (ValueError, KeyError, TypeError):
        value = None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationFailed(_("The cursor is not one this API issued."), field="cursor")
    return value


def keyset(stmt: Select[Any], id_column: Any, cursor: str | None, limit: int) -> Select[Any]:
    """Restrict `stmt` to the page after `cursor`, fetching one extra row to detect more."""
    after = decode_cursor(cursor)
    if after is not None:
        stmt = stmt.where(id_column > after)
    return stmt.order_by(id_column).limit(limit + 1)


def page_of(
    rows: Sequence[T], limit: int, id_of: Any = lambda row: row.id
) -> tuple[list[T], str | None]:
    """Split the fetched rows into the page and the next cursor."""
    items = list(rows[:limit])
    has_more = len(rows) > limit
    return items, encode_cursor(id_of(items[-1])) if has_more and items else None
