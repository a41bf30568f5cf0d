"""Cell readers: what each accepts, and the message for what it refuses."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from schema.enums import Orientation
from service.transfer import cells
from service.transfer.columns import KPI_CODE, MONEY, SHARE, VALUE

COMMA = (
    "'12,5' has a comma: write numbers with a dot as the decimal separator and no thousands"
    " separator (e.g. 1234.5). A decimal comma is read only in semicolon-separated CSV files."
)


@pytest.mark.parametrize(
    ("reader", "raw", "decimal_comma", "expected"),
    [
        (VALUE, "12.5", False, Decimal("12.5")),
        (VALUE, "12,5", True, Decimal("12.5")),
        (VALUE, " -3 ", False, Decimal("-3")),
        (VALUE, 0.1, False, Decimal("0.1")),
        (VALUE, 7, False, Decimal("7")),
        (MONEY, "1200.50", False, Decimal("1200.50")),
        (MONEY, "12.500", False, Decimal("12.500")),
        (SHARE, "1", False, Decimal("1")),
        (cells.integer(0, 100), 50.0, False, 50),
        (cells.iso_date, "2026-03-31", False, date(2026, 3, 31)),
        (cells.boolean, "Yes", False, True),
        (cells.boolean, "0", False, False),
        (cells.enum(Orientation), "Client facing", False, "client_facing"),
        (cells.email, " Amina@Example.COM ", False, "amina@example.com"),
        (cells.code_list(KPI_CODE), "NPS | CHURN|", False, ["NPS", "CHURN"]),
        (
            cells.weighted_codes(KPI_CODE, SHARE),
            "NPS:0.5|CHURN",
            False,
            [("NPS", Decimal("0.5")), ("CHURN", Decimal("1"))],
        ),
        (cells.weighted_codes(KPI_CODE, SHARE), "NPS:0,5", True, [("NPS", Decimal("0.5"))]),
        (cells.text(10), 2026.0, False, "2026"),
    ],
)
def test_accepted(reader: cells.Reader, raw: Any, decimal_comma: bool, expected: Any) -> None:
    assert reader(raw, decimal_comma) == expected


@pytest.mark.parametrize(
    ("reader", "raw", "decimal_comma", "message"),
    [
        (VALUE, "12,5", False, COMMA),
        (VALUE, "1e5", False, "'1e5' is not a number."),
        (VALUE, "NaN", False, "'NaN' is not a number."),
        (MONEY, "12.345", False, "12.345 has more than 2 decimals."),
        (MONEY, "1000000000000", False, "1000000000000 is too large."),
        (SHARE, "0.12345", False, "0.12345 has more than 4 decimals."),
        (cells.iso_date, "2026-02-30", False, "'2026-02-30' is not a valid date."),
        (
            cells.iso_date,
            45000,
            False,
            "'45000' is not a date: write YYYY-MM-DD (e.g. 2026-03-31).",
        ),
        (cells.boolean, "maybe", False, "'maybe' is not true or false."),
        (cells.email, "amina", False, "'amina' is not an email address."),
        (cells.code_list(KPI_CODE), "NPS|NPS", False, "'NPS' is listed twice."),
        (
            cells.weighted_codes(KPI_CODE, SHARE),
            "NPS:2",
            False,
            "Weight of NPS: 2 is out of range: it must be between 0 and 1.",
        ),
        (cells.text(3), "abcd", False, "Longer than 3 characters."),
    ],
)
def test_refused(reader: cells.Reader, raw: Any, decimal_comma: bool, message: str) -> None:
    with pytest.raises(cells.CellError) as refused:
        reader(raw, decimal_comma)
    assert refused.value.message == message
