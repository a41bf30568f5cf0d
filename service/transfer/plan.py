"""The checked content of a file: typed rows per sheet, and the problems found."""

from dataclasses import dataclass, field
from typing import Any

from service.transfer.columns import Entity
from service.transfer.irritant_columns import IMPORTED
from service.transfer.payloads import ImportProblem

MAX_PROBLEMS = 500


@dataclass
class Row:
    """One row: its spreadsheet number and the values of the columns present."""

    number: int
    values: dict[str, Any]

    def key(self, entity: Entity) -> tuple[Any, ...] | None:
        """The natural key, or None when a key cell could not be read."""
        if any(name not in self.values or self.values[name] is None for name in entity.key):
            return None
        return tuple(self.values[name] for name in entity.key)


@dataclass
class Sheet:
    """A sheet after reading: the columns it has and its typed rows."""

    entity: Entity
    present: set[str]
    rows: list[Row]
    # False when a key column is missing: its rows cannot be matched or referenced.
    usable: bool = True
    keys: dict[tuple[Any, ...], int] = field(default_factory=dict)


@dataclass
class Plan:
    """Every sheet of the file, checked; what the writes work from."""

    sheets: dict[str, Sheet]

    def sheet(self, name: str) -> Sheet | None:
        """The sheet of entity `name`, if the file has it."""
        return self.sheets.get(name)

    def row_count(self) -> int:
        """How many rows the file holds in all."""
        return sum(len(sheet.rows) for sheet in self.sheets.values())


class Problems:
    """The problems found so far."""

    def __init__(self, found: list[ImportProblem] | None = None) -> None:
        self.items: list[ImportProblem] = list(found or [])

    def add(
        self, sheet: str | None, row: int | None, column: str | None, message: str, code: str
    ) -> None:
        """Record one problem."""
        self.items.append(
            ImportProblem(sheet=sheet, row=row, column=column, message=message, code=code)
        )

    def sorted(self) -> list[ImportProblem]:
        """Problems in file order (sheet, row, column), capped at MAX_PROBLEMS."""
        order = {entity.name: index for index, entity in enumerate(IMPORTED)}
        positions = {
            (entity.name, name): index
            for entity in IMPORTED
            for index, name in enumerate(entity.names)
        }

        def place(p: ImportProblem) -> tuple[int, int, int]:
            return (
                -2 if p.sheet is None else order.get(p.sheet, -1),
                p.row or 0,
                -1 if p.column is None else positions.get((p.sheet or "", p.column), 999),
            )

        ordered = sorted(self.items, key=place)
        if len(ordered) <= MAX_PROBLEMS:
            return ordered
        rest = len(ordered) - MAX_PROBLEMS
        more = ImportProblem(
            sheet=None,
            row=None,
            column=None,
            message=f"{rest} more problems are not shown: fix these and import again.",
            code="more_problems",
        )
        return [*ordered[:MAX_PROBLEMS], more]


def describe_key(entity: Entity, key: tuple[Any, ...]) -> str:
    """A natural key as a reader says it: code 'hr', email 'a@b.c', 'NPS' on 2026-01-31."""
    if entity.name == "measurements":
        return f"of '{key[0]}' on {key[1]}"
    if entity.name == "checkins":
        return f"of '{key[0]}' on {key[1]} with the same summary"
    if entity.name == "irritants":
        return f"'{key[1]}' in department '{key[0]}'"
    return f"{entity.key[0]} '{key[0]}'"
