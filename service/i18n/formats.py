"""Numbers, money, percentages and dates as the current locale writes them (Babel).

One decimal for every percentage; money compact where it fits ("€14.4M" / "14,4 M€");
an em dash for a missing value.
"""

import functools
from datetime import date, datetime
from decimal import Decimal

from babel import Locale, dates, numbers

from service.i18n import current

MISSING = "—"
Number = Decimal | float | int


def number(value: Number | None, places: int = 0) -> str:
    """`13799` -> `13,799` (en) / `13 799` (fr)."""
    if value is None:
        return MISSING
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return numbers.format_decimal(value, format=pattern, locale=current())


def percent(share: Number | None) -> str:
    """A share of 1 with one decimal: 0.66187 -> `66.2%` (en) / `66,2 %` (fr)."""
    if share is None:
        return MISSING
    locale = current()
    return numbers.format_percent(share, format=_with_decimal(locale, "percent"), locale=locale)


def money(amount: Number | None, currency: str, *, compact: bool = True) -> str:
    """`14544581000, EUR` -> `€14.5B` (en) / `14,5 Md €` (fr); under 10,000 or when not
    compact, whole units: `€2,500` / `2 500 €`."""
    if amount is None:
        return MISSING
    locale = current()
    if compact and abs(float(amount)) >= 10_000:
        return numbers.format_compact_currency(amount, currency, locale=locale, fraction_digits=1)
    return numbers.format_currency(
        amount, currency, format=_whole(locale), locale=locale, currency_digits=False
    )


@functools.cache
def _with_decimal(locale: str, kind: str) -> str:
    """The locale's percent pattern with one decimal (`#,##0.0\u00a0%` in French)."""
    return Locale.parse(locale).percent_formats[None].pattern.replace("#,##0", "#,##0.0", 1)


@functools.cache
def _whole(locale: str) -> str:
    """The locale's currency pattern without cents (`¤#,##0`, `#,##0\u00a0¤`)."""
    return Locale.parse(locale).currency_formats["standard"].pattern.replace(".00", "")


def day(value: date | datetime | None) -> str:
    """`23 Nov 2026` (en) / `23 nov. 2026` (fr)."""
    if value is None:
        return MISSING
    return dates.format_date(value, format="d MMM y", locale=current())


def moment(value: datetime | None) -> str:
    """`23 Nov 2026 14:05 UTC` (times are stored and shown in UTC)."""
    if value is None:
        return MISSING
    return dates.format_datetime(value, format="d MMM y HH:mm", locale=current()) + " UTC"
