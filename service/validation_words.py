"""Validation errors as plain sentences that name the field by its label.

Pages show them next to the field and in the error summary; the REST problem `detail`
carries the same sentence. One table of labels, one sentence per kind of error, each
said in the request's language (a sentence is one message with the label in it).
"""

import re
from collections.abc import Mapping
from typing import Any

from service.i18n import N_
from service.i18n import gettext as _

# The label people read for a field name; any other name reads as its words
# (`next_steps` -> "Next steps", `owner_id` -> "Owner").
LABELS = {
    "budget_planned": N_("Budget"),
    "client_share": N_("Client-facing share"),
    "kpi_id": N_("KPI"),
    "kpi_ids": N_("KPIs"),
    "percent_complete": N_("Percent complete"),
    "spent_to_date": N_("Spent to date"),
    "stale_after_days": N_("Days without check-in"),
    "user_need": N_("User need"),
    "is_experiment": N_("Experiment"),
    "is_active": N_("Active"),
    "band_percent": N_("Target band ceiling"),
    "band_min_percent": N_("Target band floor"),
    "measured_on": N_("Date"),
    "url": N_("Address"),
    # Read as their words in English; listed so they have their French.
    "title": N_("Title"),
    "code": N_("Code"),
    "name": N_("Name"),
    "email": N_("Email"),
    "password": N_("Password"),
    "role": N_("Role"),
    "description": N_("Description"),
    "status": N_("Status"),
    "orientation": N_("Orientation"),
    "origin": N_("Origin"),
    "owner_id": N_("Owner"),
    "sponsor_id": N_("Sponsor"),
    "department_id": N_("Department"),
    "manager_id": N_("Manager"),
    "parent_id": N_("Parent"),
    "head_id": N_("Head"),
    "start_date": N_("Start date"),
    "target_date": N_("Target date"),
    "health": N_("Health"),
    "summary": N_("Summary"),
    "blockers": N_("Blockers"),
    "next_steps": N_("Next steps"),
    "hypothesis": N_("Hypothesis"),
    "lessons_learned": N_("Lessons learned"),
    "unit": N_("Unit"),
    "direction": N_("Direction"),
    "perspective": N_("Perspective"),
    "cadence": N_("Cadence"),
    "baseline_value": N_("Baseline value"),
    "target_value": N_("Target value"),
    "definition": N_("Definition"),
    "value": N_("Value"),
    "severity": N_("Severity"),
    "note": N_("Note"),
    "reason": N_("Reason"),
    "rationale": N_("Rationale"),
    "weight": N_("Weight"),
    "kind": N_("Kind"),
    "tags": N_("Tags"),
}
# Stored values as people read them (API clients read them as stored).
VALUES = {
    "client_facing": N_("client-facing"),
    "internal": N_("internal"),
    "hybrid": N_("hybrid"),
    "proposed": N_("proposed"),
    "approved": N_("approved"),
    "in_progress": N_("in progress"),
    "on_hold": N_("on hold"),
    "done": N_("done"),
    "stopped": N_("stopped"),
    "user_need": N_("user need"),
    "regulation": N_("regulation"),
    "efficiency": N_("efficiency"),
    "technology": N_("technology"),
    "increase": N_("increase"),
    "decrease": N_("decrease"),
    "customer": N_("customer"),
    "employee": N_("employee"),
    "operations": N_("operations"),
    "financial": N_("financial"),
    "monthly": N_("monthly"),
    "quarterly": N_("quarterly"),
    "green": N_("green"),
    "amber": N_("amber"),
    "red": N_("red"),
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
}
# kind of error -> (sentence, the bound it names)
BOUNDED = {
    "string_too_short": (N_("%(field)s must be at least %(n)s characters."), "min_length"),
    "password_too_short": (N_("%(field)s must be at least %(n)s characters."), "min_length"),
    "string_too_long": (N_("%(field)s must be at most %(n)s characters."), "max_length"),
    "too_short": (N_("%(field)s must have at least %(n)s items."), "min_length"),
    "too_long": (N_("%(field)s must have at most %(n)s items."), "max_length"),
    "greater_than_equal": (N_("%(field)s must be a number of at least %(n)s."), "ge"),
    "less_than_equal": (N_("%(field)s must be a number of at most %(n)s."), "le"),
    "greater_than": (N_("%(field)s must be a number greater than %(n)s."), "gt"),
    "less_than": (N_("%(field)s must be a number less than %(n)s."), "lt"),
    "decimal_max_places": (
        N_("%(field)s must have at most %(n)s decimal places."),
        "decimal_places",
    ),
    "decimal_max_digits": (N_("%(field)s must have at most %(n)s digits."), "max_digits"),
    "multiple_of": (N_("%(field)s must be a multiple of %(n)s."), "multiple_of"),
}
REQUIRED = N_("%(field)s is required.")
WHOLE_NUMBER = N_("%(field)s must be a whole number.")
NUMBER = N_("%(field)s must be a number.")
YES_OR_NO = N_("%(field)s must be yes or no.")
DATE = N_("%(field)s must be a date (YYYY-MM-DD).")
DATE_TIME = N_("%(field)s must be a date and time (YYYY-MM-DDTHH:MM).")
WEB_ADDRESS = N_("%(field)s must be a web address.")
OBJECT = N_("%(field)s must be an object.")
FIXED = {
    "missing": REQUIRED,
    "int_parsing": WHOLE_NUMBER,
    "int_from_float": WHOLE_NUMBER,
    "int_type": WHOLE_NUMBER,
    "decimal_parsing": NUMBER,
    "decimal_type": NUMBER,
    "float_parsing": NUMBER,
    "float_type": NUMBER,
    "finite_number": N_("%(field)s must be a finite number."),
    "bool_parsing": YES_OR_NO,
    "bool_type": YES_OR_NO,
    "date_parsing": DATE,
    "date_from_datetime_parsing": DATE,
    "date_from_datetime_inexact": DATE,
    "date_type": DATE,
    "datetime_parsing": DATE_TIME,
    "datetime_from_date_parsing": DATE_TIME,
    "datetime_type": DATE_TIME,
    "string_type": N_("%(field)s must be text."),
    "string_pattern_mismatch": N_("%(field)s is not in the expected format."),
    "url_parsing": WEB_ADDRESS,
    "url_scheme": WEB_ADDRESS,
    "list_type": N_("%(field)s must be a list."),
    "dict_type": OBJECT,
    "model_type": OBJECT,
    "model_attributes_type": OBJECT,
    "extra_forbidden": N_("%(field)s is not a known field."),
    "uuid_parsing": N_("%(field)s must be an identifier."),
    "demo_password": N_("%(field)s must not be the published demo password; choose another."),
}
# The payloads' own checks (what the value must be), said the way the other errors are.
PREDICATES = {
    "must not be blank": REQUIRED,
    "cannot be null": N_("%(field)s cannot be null."),
    "may not be null": N_("%(field)s may not be null."),
    "must not be null": N_("%(field)s must not be null."),
    "may be omitted but not null": N_("%(field)s may be omitted but not null."),
    "must be less than 10^14 in absolute value": N_(
        "%(field)s must be less than 10^14 in absolute value."
    ),
    "must not contain spaces or control characters": N_(
        "%(field)s must not contain spaces or control characters."
    ),
    "must be an http:// or https:// URL": N_("%(field)s must be an http:// or https:// URL."),
    "must name a host": N_("%(field)s must name a host."),
    "must not carry a user name or password": N_(
        "%(field)s must not carry a user name or password."
    ),
}
_QUOTED = re.compile(r"'([^']*)'")


def label(name: str, labels: Mapping[str, str] | None = None) -> str:
    """The label of a field name, in the request's language: `budget_planned` -> "Budget"."""
    if labels and name in labels:
        return _(labels[name])
    if name in LABELS:
        return _(LABELS[name])
    words = name.removesuffix("_id").replace("_", " ").strip() or "Value"
    return _(words[:1].upper() + words[1:])


def field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """The field an error location points at: its last named part."""
    named = [str(part) for part in loc if isinstance(part, str)]
    named = [part for part in named if part not in ("body", "query", "path", "header")]
    return named[-1] if named else "value"


def _choices(name: str, expected: str, raw: bool) -> str:
    values = _QUOTED.findall(expected) or [expected]
    if not raw:
        values = [_(VALUES.get(v, v.replace("_", " "))) for v in values]
    if len(values) == 1:
        return _("%(field)s must be %(value)s.") % {"field": name, "value": values[0]}
    return _("%(field)s must be %(values)s or %(last)s.") % {
        "field": name,
        "values": ", ".join(values[:-1]),
        "last": values[-1],
    }


def _bound(ctx: Mapping[str, Any], key: str) -> str:
    return str(ctx.get(key, "")).removesuffix(".0")


def _sentence(kind: str, name: str, ctx: Mapping[str, Any], raw: bool) -> str | None:
    if kind in BOUNDED:
        text, key = BOUNDED[kind]
        return _(text) % {"field": name, "n": _bound(ctx, key)}
    if kind in ("enum", "literal_error"):
        return _choices(name, str(ctx.get("expected", "")), raw)
    return _(FIXED[kind]) % {"field": name} if kind in FIXED else None


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
        return _("The request body must be a JSON object.")
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        kind = "missing"
    name = label(field_name(loc), labels)
    said = _sentence(kind, name, ctx, raw)
    if said is not None:
        return said
    text = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    text = text.removeprefix("Assertion failed, ").rstrip(".")
    if text in PREDICATES:
        return _(PREDICATES[text]) % {"field": name}
    if text[:1].islower():
        # Another check of a payload, saying what the value must be.
        return _("%(field)s %(predicate)s.") % {"field": name, "predicate": text}
    return _("%(field)s: %(reason)s.") % {"field": name, "reason": text[:1].lower() + text[1:]}
