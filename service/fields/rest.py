"""REST pages written as JSON straight from rows, without a model object per row.

The JSON is what FastAPI writes for `Page[Shape]`: the shape's fields in its order, values
written by the same pydantic-core serialisers (Decimal as a string, ISO dates and datetimes,
enums by their stored names). The shape stays the response model, so the OpenAPI schema is
the shape's. Details stay models: for one row the model costs nothing measurable.
"""

from collections.abc import Callable, Iterable, Mapping
from operator import itemgetter
from typing import Any

import pydantic_core
from fastapi import Response
from pydantic import BaseModel

Derived = Callable[[Mapping[str, Any]], Any]


class PageWriter:
    """Writes pages of a shape from rows carrying (at least) its fields by name.

    `derived` computes a field the row does not carry (a nested object) from the row.
    """

    def __init__(self, shape: type[BaseModel], **derived: Derived) -> None:
        self.names = tuple(shape.model_fields)
        unknown = set(derived) - set(self.names)
        if unknown:
            raise ValueError(f"{shape.__name__} has no field {sorted(unknown)}")
        if derived or len(self.names) == 1:
            getters = [derived.get(name) or itemgetter(name) for name in self.names]
            self._values: Callable[[Mapping[str, Any]], Any] = lambda row: [
                get(row) for get in getters
            ]
        else:
            self._values = itemgetter(*self.names)

    def fields(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The shape's fields of one row's mapping, in the shape's order."""
        return dict(zip(self.names, self._values(row), strict=True))

    def items(self, rows: Iterable[Any]) -> list[dict[str, Any]]:
        """The shape's fields of each row."""
        names, values = self.names, self._values
        return [dict(zip(names, values(row._mapping), strict=True)) for row in rows]

    def page(self, rows: Iterable[Any], next_cursor: str | None) -> bytes:
        """`{"items": [...], "next_cursor": ...}` as JSON bytes."""
        return pydantic_core.to_json({"items": self.items(rows), "next_cursor": next_cursor})


def json_response(body: bytes) -> Response:
    """The answer FastAPI sends for a response model's JSON."""
    return Response(body, media_type="application/json")
