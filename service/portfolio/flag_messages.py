"""The sentence each portfolio flag says, with its figures, in the request's language.

The flag rows come from service/portfolio/flags.py; `detail` carries what a sentence needs
beyond the figures (an origin, a cadence, the earliest enabler, the KPIs' moves).
"""

import json
from datetime import date
from decimal import Decimal
from typing import Any

from service.i18n import N_, formats, gettext, ngettext
from service.portfolio.payloads import FlagCode

# A skew's sentence: (above the band, below it) per scope: the portfolio, a reporting line,
# a department.
SKEWS = {
    "portfolio": (
        N_("Client-facing work is %(share)s of the active budget (band: at most %(limit)s)."),
        N_(
            "Client-facing work is %(share)s of the active budget"
            " (below the band's floor: at least %(limit)s)."
        ),
    ),
    "line": (
        N_(
            "Client-facing work is %(share)s of the active budget of %(name)s's reporting line"
            " (band: at most %(limit)s)."
        ),
        N_(
            "Client-facing work is %(share)s of the active budget of %(name)s's reporting line"
            " (below the band's floor: at least %(limit)s)."
        ),
    ),
    "department": (
        N_(
            "Client-facing work is %(share)s of the active budget of %(name)s"
            " (band: at most %(limit)s)."
        ),
        N_(
            "Client-facing work is %(share)s of the active budget of %(name)s"
            " (below the band's floor: at least %(limit)s)."
        ),
    ),
}

# KPI_UNMEASURED per cadence: (measured too long ago, never measured).
UNMEASURED = {
    "monthly": (
        N_(
            "%(label)s was last measured %(days)s days ago"
            " (monthly cadence: at least every %(limit)s days)."
        ),
        N_("%(label)s has never been measured (monthly cadence: at least every %(limit)s days)."),
    ),
    "quarterly": (
        N_(
            "%(label)s was last measured %(days)s days ago"
            " (quarterly cadence: at least every %(limit)s days)."
        ),
        N_("%(label)s has never been measured (quarterly cadence: at least every %(limit)s days)."),
    ),
}

# An initiative's origin as the NO_USER_NEED sentence names it.
ORIGINS = {
    "user_need": N_("user need"),
    "regulation": N_("regulation"),
    "efficiency": N_("efficiency"),
    "technology": N_("technology"),
}

SENTENCES = {
    FlagCode.DEPARTMENT_UNCOVERED: N_(
        "%(name)s leads no active initiative: its own work gets no digital support."
    ),
    FlagCode.MISSING_ENABLER: N_(
        "%(label)s is client-facing and no internal initiative enables it."
    ),
    FlagCode.NO_USER_NEED: N_("%(label)s states no user need (origin: %(detail)s)."),
    FlagCode.TECH_PUSH: N_("%(label)s starts from a technology, not from a user need."),
    FlagCode.NO_KPI: N_("%(label)s is active and linked to no KPI."),
    FlagCode.SILO_KPI: N_(
        "%(label)s is linked only to KPIs a single department is accountable for (%(detail)s)."
    ),
    FlagCode.CX_KPI_WITHOUT_EX_DRIVER: N_(
        "%(label)s is a customer KPI and no employee KPI drives it."
    ),
    FlagCode.DONE_WITHOUT_KPI_MOVEMENT: N_(
        "%(label)s is done but none of its KPIs moved toward target since it started (%(detail)s)."
    ),
    FlagCode.OWNER_INACTIVE: N_(
        "%(label)s is active but its owner, %(detail)s, is no longer active."
    ),
    FlagCode.KPI_OVERCLAIMED: N_(
        "%(label)s is claimed by active initiatives whose weights add up to %(figure)s"
        " (at most %(limit)s)."
    ),
}


def _figure(value: Decimal | None) -> str:
    """A figure with the decimals it has (`1.25`, `1,25`, `40`), in the request's locale."""
    if value is None:
        return gettext("n/a")
    exponent = Decimal(value).normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return formats.number(value, places)


def _moves(detail: str | None) -> str:
    """`[[code, start, latest], ...]` -> `KPI-1: 40 → 55; KPI-2: n/a → 3`."""
    moves = json.loads(detail or "[]", parse_float=Decimal, parse_int=Decimal)
    return "; ".join(f"{code}: {_figure(start)} → {_figure(end)}" for code, start, end in moves)


def _skew(row: Any, scope: str) -> str:
    above, below = SKEWS[scope]
    sentence = above if row.figure > row.threshold else below
    return gettext(sentence) % {
        "share": formats.percent(row.figure),
        "limit": formats.percent(row.threshold),
        "name": row.name,
    }


def _enabler_late(row: Any, label: str) -> str:
    enabler, _space, day = (row.detail or "").rpartition(" ")
    days = int(row.figure)
    return ngettext(
        "%(label)s is client-facing and every live enabler lands after its target date:"
        " the earliest, %(enabler)s on %(day)s, %(days)s day later.",
        "%(label)s is client-facing and every live enabler lands after its target date:"
        " the earliest, %(enabler)s on %(day)s, %(days)s days later.",
        days,
    ) % {
        "label": label,
        "enabler": enabler,
        "day": formats.day(date.fromisoformat(day)),
        "days": formats.number(days),
    }


def _stale(row: Any, label: str) -> str:
    days = int(row.figure)
    values = {"label": label, "days": formats.number(days), "limit": formats.number(row.threshold)}
    if row.detail == "never":
        return (
            ngettext(
                "No check-in on %(label)s since it started %(days)s day ago (limit: %(limit)s).",
                "No check-in on %(label)s since it started %(days)s days ago (limit: %(limit)s).",
                days,
            )
            % values
        )
    return (
        ngettext(
            "No check-in on %(label)s for %(days)s day (limit: %(limit)s).",
            "No check-in on %(label)s for %(days)s days (limit: %(limit)s).",
            days,
        )
        % values
    )


def _irritant(row: Any, label: str) -> str:
    votes = int(row.figure)
    return ngettext(
        "%(label)s has %(votes)s vote and no active initiative addresses it"
        " (flagged from %(limit)s votes).",
        "%(label)s has %(votes)s votes and no active initiative addresses it"
        " (flagged from %(limit)s votes).",
        votes,
    ) % {"label": label, "votes": formats.number(votes), "limit": formats.number(row.threshold)}


def _unmeasured(row: Any, label: str) -> str:
    late, never = UNMEASURED.get(row.detail, UNMEASURED["monthly"])
    return gettext(never if row.figure is None else late) % {
        "label": label,
        "days": formats.number(row.figure),
        "limit": formats.number(row.threshold),
    }


def message(row: Any) -> str:
    """The sentence a CDO reads for one flag row, with its figures."""
    code = FlagCode(row.code)
    label = f"{row.entity_code} {row.name}" if row.entity_code else ""
    if code is FlagCode.PORTFOLIO_CLIENT_SKEW:
        return _skew(row, "line" if row.name else "portfolio")
    if code is FlagCode.DEPARTMENT_CLIENT_SKEW:
        return _skew(row, "department")
    if code is FlagCode.STALE_UPDATE:
        return _stale(row, label)
    if code is FlagCode.ENABLER_LATE:
        return _enabler_late(row, label)
    if code is FlagCode.IRRITANT_UNADDRESSED:
        return _irritant(row, label)
    if code is FlagCode.KPI_UNMEASURED:
        return _unmeasured(row, label)
    detail = row.detail
    if code is FlagCode.NO_USER_NEED:
        detail = gettext(ORIGINS[detail]) if detail in ORIGINS else detail
    elif code is FlagCode.DONE_WITHOUT_KPI_MOVEMENT:
        detail = _moves(detail)
    return gettext(SENTENCES[code]) % {
        "label": label,
        "name": row.name,
        "detail": detail,
        "figure": _figure(row.figure),
        "limit": _figure(row.threshold),
    }
