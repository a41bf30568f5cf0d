"""Cell readers: turn one spreadsheet or CSV cell into a typed value, or say why not.

A reader receives a non-blank cell (a string from CSV; a string, number, date or boolean
from XLSX) and `decimal_comma`, true only for semicolon-separated CSV files, where a comma
is the decimal separator ("12,5"). Everywhere else numbers use a dot and no thousands
separator, and a comma in a number is refused with a message that says so.
"""

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from schema.text import CODE_MAX, EMAIL_MAX
from service.i18n import gettext as _

Reader = Callable[[Any, bool], Any]

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LIST_SEPARATOR = "|"


class CellError(ValueError):
    """A cell that cannot be read, with the message the report shows."""

    def __init__(self, message: str, code: str = "invalid_value") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def as_text(raw: Any) -> str:
    """The cell as text (an XLSX number or date written the way a person types it)."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if _midnight(raw) else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw)


def _midnight(value: datetime) -> bool:
    return (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)


def is_blank(raw: Any) -> bool:
    """True for an empty cell (None or only spaces)."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def text(max_length: int | None = None, *, strip: bool = False) -> Reader:
    """Free text, verbatim unless `strip`."""

    def read(raw: Any, decimal_comma: bool) -> str:
        value = as_text(raw)
        value = value.strip() if strip else value
        if "\x00" in value:
            raise CellError(_("Text must not contain NUL characters."), "nul_character")
        if max_length is not None and len(value) > max_length:
            raise CellError(_("Longer than %(n)s characters.") % {"n": max_length}, "too_long")
        return value

    return read


def code(pattern: str, hint: str, max_length: int = CODE_MAX) -> Reader:
    """A code matching `pattern` (`hint` says what a valid one looks like)."""
    compiled = re.compile(pattern)

    def read(raw: Any, decimal_comma: bool) -> str:
        value = as_text(raw).strip()
        if len(value) > max_length:
            raise CellError(_("Longer than %(n)s characters.") % {"n": max_length}, "too_long")
        if not compiled.match(value):
            message = _("'%(value)s' is not a valid code: %(hint)s.")
            raise CellError(message % {"value": value, "hint": _(hint)}, "invalid_code")
        return value

    return read


def email(raw: Any, decimal_comma: bool) -> str:
    """An email address, lower-cased (people are matched on it)."""
    value = as_text(raw).strip().lower()
    if len(value) > EMAIL_MAX or not EMAIL_PATTERN.match(value):
        message = _("'%(value)s' is not an email address.") % {"value": value}
        raise CellError(message, "invalid_email")
    return value


def enum(values: type[StrEnum]) -> Reader:
    """One of the values of `values`; case, spaces and dashes are forgiven."""
    allowed = [member.value for member in values]

    def read(raw: Any, decimal_comma: bool) -> str:
        given = as_text(raw).strip()
        value = given.lower().replace(" ", "_").replace("-", "_")
        if value not in allowed:
            message = _("'%(value)s' is not one of %(allowed)s.")
            values = {"value": given, "allowed": ", ".join(allowed)}
            raise CellError(message % values, "invalid_choice")
        return value

    return read


def number(
    places: int, max_digits: int, *, low: Decimal | None = None, high: Decimal | None = None
) -> Reader:
    """A decimal with at most `places` decimals and `max_digits` digits, within low..high."""

    def read(raw: Any, decimal_comma: bool) -> Decimal:
        value = parse_decimal(raw, decimal_comma)
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            message = _("%(value)s has more than %(n)s decimals.")
            raise CellError(message % {"value": as_text(raw), "n": places}, "too_precise")
        if abs(value) >= Decimal(10) ** (max_digits - places):
            message = _("%(value)s is too large.") % {"value": as_text(raw)}
            raise CellError(message, "out_of_range")
        _check_range(value, low, high)
        return value

    return read


def _check_range(value: Any, low: Any, high: Any) -> None:
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            message = _("%(value)s is out of range: it must be between %(low)s and %(high)s.")
        elif low is not None:
            message = _("%(value)s is out of range: it must be at least %(low)s.")
        else:
            message = _("%(value)s is out of range: it must be at most %(high)s.")
        values = {"value": value, "low": low, "high": high}
        raise CellError(message % values, "out_of_range")


def parse_decimal(raw: Any, decimal_comma: bool) -> Decimal:
    """A Decimal from a cell: XLSX numbers exactly as shown, text with a dot (or a comma
    in semicolon-separated files)."""
    if isinstance(raw, bool):
        raise CellError(_("%(value)s is not a number.") % {"value": as_text(raw)}, "invalid_number")
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    value = as_text(raw).strip()
    if "," in value:
        if not decimal_comma or "." in value or value.count(",") > 1:
            message = _(
                "'%(value)s' has a comma: write numbers with a dot as the decimal separator and"
                " no thousands separator (e.g. 1234.5). A decimal comma is read only in"
                " semicolon-separated CSV files."
            )
            raise CellError(message % {"value": value}, "decimal_comma")
        value = value.replace(",", ".")
    if not _NUMBER.match(value):
        message = _("'%(value)s' is not a number.") % {"value": as_text(raw).strip()}
        raise CellError(message, "invalid_number")
    try:
        return Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already refused it
        message = _("'%(value)s' is not a number.") % {"value": value}
        raise CellError(message, "invalid_number") from exc


def integer(low: int, high: int) -> Reader:
    """A whole number between `low` and `high`."""

    def read(raw: Any, decimal_comma: bool) -> int:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        elif isinstance(raw, str) and _INTEGER.match(raw.strip()):
            value = int(raw.strip())
        else:
            message = _("'%(value)s' is not a whole number.") % {"value": as_text(raw).strip()}
            raise CellError(message, "invalid_integer")
        _check_range(value, low, high)
        return value

    return read


def iso_date(raw: Any, decimal_comma: bool) -> date:
    """A date: an XLSX date cell, or text in ISO form YYYY-MM-DD."""
    if isinstance(raw, datetime):
        if not _midnight(raw):
            message = _("%(value)s has a time of day: give a date.")
            raise CellError(message % {"value": raw.isoformat(sep=" ")}, "invalid_date")
        return raw.date()
    if isinstance(raw, date):
        return raw
    value = as_text(raw).strip()
    if _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            message = _("'%(value)s' is not a valid date.") % {"value": value}
            raise CellError(message, "invalid_date") from None
    message = _("'%(value)s' is not a date: write YYYY-MM-DD (e.g. 2026-03-31).")
    raise CellError(message % {"value": value}, "invalid_date")


def boolean(raw: Any, decimal_comma: bool) -> bool:
    """true/false (also yes/no, 1/0, or an XLSX boolean)."""
    if isinstance(raw, bool):
        return raw
    value = as_text(raw).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    message = _("'%(value)s' is not true or false.") % {"value": as_text(raw).strip()}
    raise CellError(message, "invalid_boolean")


def twice(value: str) -> str:
    """What a list holding `value` twice says."""
    return _("'%(value)s' is listed twice.") % {"value": value}


def code_list(item: Reader) -> Reader:
    """Codes separated by `|` (e.g. `hr|it`), each read by `item`, none twice."""

    def read(raw: Any, decimal_comma: bool) -> list[str]:
        values: list[str] = []
        for part in _parts(raw):
            value = item(part, decimal_comma)
            if value in values:
                raise CellError(twice(value), "duplicate_in_list")
            values.append(value)
        return values

    return read


def weighted_codes(item: Reader, weight: Reader) -> Reader:
    """`CODE:weight` items separated by `|` (e.g. `NPS:0.5|CHURN:0.3`); a bare code weighs 1."""

    def read(raw: Any, decimal_comma: bool) -> list[tuple[str, Decimal]]:
        values: list[tuple[str, Decimal]] = []
        for part in _parts(raw):
            name, _colon, given = part.rpartition(":")
            if not name or not given.strip():
                name, given = part, "1"
            value = item(name, decimal_comma)
            try:
                share = weight(given.strip(), decimal_comma)
            except CellError as exc:
                message = _("Weight of %(code)s: %(problem)s")
                raise CellError(
                    message % {"code": value, "problem": exc.message}, exc.code
                ) from None
            if value in (seen for seen, _other in values):
                raise CellError(twice(value), "duplicate_in_list")
            values.append((value, share))
        return values

    return read


def explained_codes(item: Reader, note: Reader) -> Reader:
    """`CODE: text` items separated by `|` (e.g. `NPS: Faster answers.|CHURN: Fewer calls.`).

    A `|` inside the text is written `\\|` and a backslash before one `\\\\` (as the export
    writes them).
    """

    def read(raw: Any, decimal_comma: bool) -> list[tuple[str, str]]:
        values: list[tuple[str, str]] = []
        for part in _escaped_parts(as_text(raw)):
            name, separator, given = part.partition(": ")
            if not separator:
                message = _(
                    "'%(value)s' is not 'CODE: text' (a code, a colon, a space, the text)."
                ) % {"value": part}
                raise CellError(message, "invalid_list_item")
            value = item(name, decimal_comma)
            if value in (seen for seen, _other in values):
                raise CellError(twice(value), "duplicate_in_list")
            try:
                values.append((value, note(given.strip(), decimal_comma)))
            except CellError as exc:
                message = _("Text of %(code)s: %(problem)s")
                raise CellError(
                    message % {"code": value, "problem": exc.message}, exc.code
                ) from None
        return values

    return read


def _escaped_parts(text: str) -> list[str]:
    """The `|`-separated parts of `text`, where `\\|` and `\\\\` stand for `|` and `\\`."""
    parts: list[str] = []
    current: list[str] = []
    characters = iter(text)
    for character in characters:
        if character == "\\":
            following = next(characters, "")
            escaped = following in ("\\", LIST_SEPARATOR)
            current.append(following if escaped else character + following)
        elif character == LIST_SEPARATOR:
            parts.append("".join(current))
            current = []
        else:
            current.append(character)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _parts(raw: Any) -> list[str]:
    return [part.strip() for part in as_text(raw).split(LIST_SEPARATOR) if part.strip()]
