"""A table column becomes a sheet column read as its type says."""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from service.fields.entities import INITIATIVE
from service.transfer import cells
from service.transfer.cells import CellError
from service.transfer.columns import SHEETS, Column, by_type


def _column(kind: Any, **options: Any) -> sa.Column[Any]:
    """A column `extra` of a scratch copy of the initiative table."""
    table = INITIATIVE.table.to_metadata(sa.MetaData())
    table.append_column(sa.Column("extra", kind, **options))
    return table.c.extra


@pytest.mark.parametrize(
    ("kind", "options", "cell", "read", "shape"),
    [
        (sa.Date, {}, "2026-03-31", date(2026, 3, 31), (False, None, "date")),
        (
            sa.Numeric(10, 2),
            {"default": Decimal("0")},
            "12.5",
            Decimal("12.5"),
            (False, 0, "money"),
        ),
        (
            sa.Numeric(8, 4),
            {"nullable": False},
            "0.1234",
            Decimal("0.1234"),
            (True, None, "number"),
        ),
        (sa.Boolean, {"default": False}, "yes", True, (False, False, "boolean")),
        (sa.Integer, {}, "-7", -7, (False, None, "integer")),
        (sa.String(100), {"nullable": False}, "  Short label ", "Short label", (True, "", "text")),
        (sa.String(4000), {"default": ""}, "  A note ", "  A note ", (False, "", "text")),
    ],
)
def test_a_column_is_read_as_its_type_says(
    kind: Any, options: dict[str, Any], cell: str, read: Any, shape: tuple[Any, ...]
) -> None:
    column = by_type("extra", _column(kind, **options))
    assert (column.read(cell, False), (column.required, column.default, column.kind)) == (
        read,
        shape,
    )
    assert (column.target, column.ref) == ("extra", None)


def test_a_value_beyond_the_column_type_is_refused() -> None:
    with pytest.raises(CellError, match="more than 2 decimals"):
        by_type("extra", _column(sa.Numeric(10, 2))).read("1.234", False)
    with pytest.raises(CellError, match="Longer than 5 characters"):
        by_type("extra", _column(sa.String(5))).read("abcdef", False)


def test_a_reference_is_written_as_the_natural_key_it_points_at() -> None:
    column = _column(sa.BigInteger, nullable=True)
    column.append_foreign_key(sa.ForeignKey("person.id"))
    sheet = by_type("reviewer_email", column)
    assert (sheet.target, sheet.ref, sheet.required) == ("extra", ("person", "email"), False)
    assert sheet.read(" Ann@Example.COM ", False) == "ann@example.com"


def test_a_column_of_a_type_without_a_reader_fails_loudly() -> None:
    with pytest.raises(TypeError, match=r"initiative\.extra"):
        by_type("extra", _column(sa.DateTime(timezone=True)))


def test_a_reader_for_a_column_the_sheet_does_not_show_is_refused() -> None:
    initiatives = next(sheet for sheet in SHEETS if sheet.name == "initiatives")
    stale = replace(initiatives, read=(*initiatives.read, Column("id", cells.boolean, target="id")))
    with pytest.raises(ValueError, match=r"initiatives: \['id'\]"):
        stale.entity()
