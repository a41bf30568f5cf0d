"""The checked content of a file: typed rows per sheet, and the problems found."""

from dataclasses import dataclass, field
from typing import Any

from service import i18n
from service.i18n import N_
from service.i18n import gettext as _
from service.transfer import headers
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
    """The problems found so far; a column is named as the file names it (or, when the
    file lacks it, in the request's language)."""

    def __init__(self, found: list[ImportProblem] | None = None) -> None:
        self.items: list[ImportProblem] = list(found or [])
        self.written: dict[tuple[str, str], str] = {}

    def name(self, sheet: str, column: str, written: str) -> None:
        """Remember that the file names `column` of `sheet` `written`."""
        self.written[(sheet, column)] = written

    def _named(self, problem: ImportProblem) -> ImportProblem:
        if problem.column is None:
            return problem
        written = self.written.get((problem.sheet or "", problem.column))
        column = written or headers.header(problem.column, i18n.current())
        return problem.model_copy(update={"column": column})

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

        ordered = [self._named(problem) for problem in sorted(self.items, key=place)]
        if len(ordered) <= MAX_PROBLEMS:
            return ordered
        rest = len(ordered) - MAX_PROBLEMS
        more = ImportProblem(
            sheet=None,
            row=None,
            column=None,
            message=_("%(n)s more problems are not shown: fix these and import again.")
            % {"n": rest},
            code="more_problems",
        )
        return [*ordered[:MAX_PROBLEMS], more]


# What a repeated natural key says, per sheet (`key` and `other` are the key's parts).
DUPLICATE = {
    "departments": N_("Duplicate department code '%(key)s': it is also on row %(row)s."),
    "people": N_("Duplicate person email '%(key)s': it is also on row %(row)s."),
    "kpis": N_("Duplicate KPI code '%(key)s': it is also on row %(row)s."),
    "initiatives": N_("Duplicate initiative code '%(key)s': it is also on row %(row)s."),
    "measurements": N_(
        "Duplicate measurement of '%(key)s' on %(other)s: it is also on row %(row)s."
    ),
    "checkins": N_(
        "Duplicate check-in of '%(key)s' on %(other)s with the same summary: it is also on"
        " row %(row)s."
    ),
    "irritants": N_(
        "Duplicate irritant '%(other)s' in department '%(key)s': it is also on row %(row)s."
    ),
}


def duplicate_message(entity: Entity, key: tuple[Any, ...], first: int) -> str:
    """A row repeating the natural key of row `first`, as a reader says it."""
    other = key[1] if len(key) > 1 else ""
    return _(DUPLICATE[entity.name]) % {"key": key[0], "other": other, "row": first}
