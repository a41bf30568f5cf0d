"""Validation errors as plain sentences that name the field by its label.

Pages show them next to the field and in the error summary; the REST problem `detail`
carries the same sentence. One table of labels, one sentence per kind of error.
"""

import re
from collections.abc import Mapping
from typing import Any

# The label people read for a field name; any other name reads as its words
# (`next_steps` -> "Next steps", `owner_id` -> "Owner").
LABELS = {
    "budget_planned": "Budget",
    "client_share": "Client-facing share",
    "kpi_id": "KPI",
    "kpi_ids": "KPIs",
    "percent_complete": "Percent complete",
    "spent_to_date": "Spent to date",
    "stale_after_days": "Days without check-in",
    "user_need": "User need",
    "is_experiment": "Experiment",
    "is_active": "Active",
    "band_percent": "Target band ceiling",
    "band_min_percent": "Target band floor",
    "measured_on": "Date",
    "url": "Address",
}
# Stored values as people read them (the others lose their underscores).
VALUES = {"client_facing": "client-facing"}
# The payloads' checks, said the way the other errors are.
PREDICATES = {"must not be blank": "is required"}
_QUOTED = re.compile(r"'([^']*)'")


def label(name: str, labels: Mapping[str, str] | None = None) -> str:
    """The label of a field name: `budget_planned` -> "Budget"."""
    if labels and name in labels:
        return labels[name]
    if name in LABELS:
        return LABELS[name]
    words = name.removesuffix("_id").replace("_", " ").strip() or "Value"
    return words[:1].upper() + words[1:]


def field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """The field an error location points at: its last named part."""
    named = [str(part) for part in loc if isinstance(part, str)]
    named = [part for part in named if part not in ("body", "query", "path", "header")]
    return named[-1] if named else "value"


def _choices(expected: str, raw: bool) -> str:
    values = _QUOTED.findall(expected) or [expected]
    if not raw:
        values = [VALUES.get(v, v.replace("_", " ")) for v in values]
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def _bound(ctx: Mapping[str, Any], key: str) -> str:
    return str(ctx.get(key, "")).removesuffix(".0")


def _sentence(kind: str, ctx: Mapping[str, Any], raw: bool) -> str | None:
    size = {
        "string_too_short": ("must be at least {} characters", "min_length"),
        "string_too_long": ("must be at most {} characters", "max_length"),
        "too_short": ("must have at least {} items", "min_length"),
        "too_long": ("must have at most {} items", "max_length"),
        "greater_than_equal": ("must be a number of at least {}", "ge"),
        "less_than_equal": ("must be a number of at most {}", "le"),
        "greater_than": ("must be a number greater than {}", "gt"),
        "less_than": ("must be a number less than {}", "lt"),
        "decimal_max_places": ("must have at most {} decimal places", "decimal_places"),
        "decimal_max_digits": ("must have at most {} digits", "max_digits"),
        "multiple_of": ("must be a multiple of {}", "multiple_of"),
    }
    if kind in size:
        text, key = size[kind]
        return text.format(_bound(ctx, key))
    if kind in ("enum", "literal_error"):
        return f"must be {_choices(str(ctx.get('expected', '')), raw)}"
    fixed = {
        "missing": "is required",
        "int_parsing": "must be a whole number",
        "int_from_float": "must be a whole number",
        "int_type": "must be a whole number",
        "decimal_parsing": "must be a number",
        "decimal_type": "must be a number",
        "float_parsing": "must be a number",
        "float_type": "must be a number",
        "finite_number": "must be a finite number",
        "bool_parsing": "must be yes or no",
        "bool_type": "must be yes or no",
        "date_parsing": "must be a date (YYYY-MM-DD)",
        "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
        "date_from_datetime_inexact": "must be a date (YYYY-MM-DD)",
        "date_type": "must be a date (YYYY-MM-DD)",
        "datetime_parsing": "must be a date and time (YYYY-MM-DDTHH:MM)",
        "datetime_from_date_parsing": "must be a date and time (YYYY-MM-DDTHH:MM)",
        "datetime_type": "must be a date and time (YYYY-MM-DDTHH:MM)",
        "string_type": "must be text",
        "string_pattern_mismatch": "is not in the expected format",
        "url_parsing": "must be a web address",
        "url_scheme": "must be a web address",
        "list_type": "must be a list",
        "dict_type": "must be an object",
        "model_type": "must be an object",
        "model_attributes_type": "must be an object",
        "extra_forbidden": "is not a known field",
        "uuid_parsing": "must be an identifier",
    }
    return fixed.get(kind)


def sentence(
    error: Mapping[str, Any], labels: Mapping[str, str] | None = None, *, raw: bool = False
) -> str:
    """One validation error of pydantic as a sentence naming its field: "Title is
    required.", "Orientation must be client-facing, internal or hybrid." With `raw`, the
    allowed values keep their stored spelling (for API clients, who send them)."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    loc = tuple(error.get("loc") or ())
    if kind == "json_invalid" or (
        kind in ("model_type", "model_attributes_type") and len(loc) <= 1
    ):
        return "The request body must be a JSON object."
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        kind = "missing"
    name = label(field_name(loc), labels)
    said = _sentence(kind, ctx, raw)
    if said is not None:
        return f"{name} {said}."
    text = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    text = text.removeprefix("Assertion failed, ").rstrip(".")
    if text[:1].islower():
        # The payloads' own checks say what the value must be: "must not be blank".
        return f"{name} {PREDICATES.get(text, text)}."
    return f"{name}: {text[:1].lower() + text[1:]}."
