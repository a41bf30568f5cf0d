"""A REST page written as JSON straight from rows, without a model object per row.

The JSON is what FastAPI writes for `Page[Shape]`: the shape's fields in its order,
values written by the same pydantic-core serialisers (Decimal as a string, ISO dates and
datetimes, enums by their stored names). The shape stays the response model, so the
OpenAPI schema is the shape's.
"""

from collections.abc import Iterable
from operator import itemgetter
from typing import Any

import pydantic_core
from pydantic import BaseModel


class PageWriter:
    """Writes pages of rows carrying (at least) the shape's fields, by name."""

    def __init__(self, shape: type[BaseModel]) -> None:
        self.names = tuple(shape.model_fields)
        self._values = itemgetter(*self.names)

    def page(self, rows: Iterable[Any], next_cursor: str | None) -> bytes:
        """`{"items": [...], "next_cursor": ...}` as JSON bytes."""
        names, values = self.names, self._values
        items = [dict(zip(names, values(row._mapping), strict=True)) for row in rows]
        return pydantic_core.to_json({"items": items, "next_cursor": next_cursor})
