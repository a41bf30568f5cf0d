"""Which columns of a table each surface shows, under which name: declared once per entity.

A `Declared` entity is its table plus what each surface (REST, GraphQL, the spreadsheet)
leaves out, renames or adds. Everything else follows from the table: a new column shows on
every surface unless it is listed as internal (no surface) or hidden (one surface). The
GraphQL field map, the sheet columns (with their headers) and the export's queries derive
their plain columns from here; the REST shapes are checked against it (tests/fields).

The kind of a value (how it is written as text) is read from the column's type.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa

# How a leaf value is written: as the API's scalars write it.
PLAIN = "plain"  # integers, booleans, text and enums (names are the stored values)
DECIMAL = "decimal"  # str(Decimal)
DATE = "date"  # date.isoformat()
DATETIME = "datetime"  # datetime.isoformat()

SurfaceName = Literal["rest", "graphql", "sheet"]
SURFACES: tuple[SurfaceName, ...] = ("rest", "graphql", "sheet")


@dataclass(frozen=True)
class Surface:
    """What one surface does with the table's columns."""

    hidden: frozenset[str] = frozenset()  # columns this surface leaves out
    renamed: Mapping[str, str] = field(default_factory=dict)  # column -> name shown
    computed: tuple[str, ...] = ()  # names this surface adds that are not columns


@dataclass(frozen=True)
class Declared:
    """One entity: its table, its columns no surface shows, and each surface's choices."""

    table: sa.Table
    internal: frozenset[str] = frozenset()
    rest: Surface = Surface()
    graphql: Surface = Surface()
    sheet: Surface = Surface()

    def surface(self, name: SurfaceName) -> Surface:
        """The choices of one surface."""
        chosen: Surface = getattr(self, name)
        return chosen

    def shown(self, name: SurfaceName) -> Iterator[tuple[str, sa.Column[Any]]]:
        """(name on the surface, column) of every column the surface shows, in table order."""
        surface = self.surface(name)
        for column in self.table.columns:
            if column.name in self.internal or column.name in surface.hidden:
                continue
            yield surface.renamed.get(column.name, column.name), column

    def names(self, name: SurfaceName) -> set[str]:
        """Every name the surface shows: its columns and what it computes."""
        return {shown for shown, _ in self.shown(name)} | set(self.surface(name).computed)

    def unknown(self) -> set[str]:
        """Names listed as internal, hidden or renamed that are not columns of the table."""
        columns = set(self.table.columns.keys())
        listed = set(self.internal)
        for name in SURFACES:
            surface = self.surface(name)
            listed |= surface.hidden | set(surface.renamed)
        return listed - columns


def kind(column: sa.Column[Any]) -> str:
    """How the column's values are written, from its type."""
    if isinstance(column.type, sa.Numeric):
        return DECIMAL
    if isinstance(column.type, sa.DateTime):
        return DATETIME
    if isinstance(column.type, sa.Date):
        return DATE
    return PLAIN


def camel(name: str) -> str:
    """`last_update_on` -> `lastUpdateOn` (GraphQL's field names)."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)
