"""The words and numbers of the charts in the page's language: the sentence each chart
carries for screen readers, and the number, percent and day formats plotly draws with."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from babel import numbers

from service import i18n
from service.i18n import N_, formats, ngettext
from service.i18n import gettext as _

# Where the client-facing share stands against the band.
VERDICTS = {
    "within": N_(
        "Client-facing work is %(share)s of the active budget, within the band (at most %(limit)s)."
    ),
    "above": N_(
        "Client-facing work is %(share)s of the active budget, above the band (at most %(limit)s)."
    ),
    "below": N_(
        "Client-facing work is %(share)s of the active budget, below the band (at least %(limit)s)."
    ),
}
# The latest check-in's sentence, per health (health words agree with the sentence).
LATEST_CHECKIN = {
    "green": N_(
        "%(n)s check-ins; the latest, on %(day)s, reports %(done)s complete and green health."
    ),
    "amber": N_(
        "%(n)s check-ins; the latest, on %(day)s, reports %(done)s complete and amber health."
    ),
    "red": N_("%(n)s check-ins; the latest, on %(day)s, reports %(done)s complete and red health."),
}
ONE_CHECKIN = {
    "green": N_("1 check-in, on %(day)s: %(done)s complete and green health."),
    "amber": N_("1 check-in, on %(day)s: %(done)s complete and amber health."),
    "red": N_("1 check-in, on %(day)s: %(done)s complete and red health."),
}


def separators() -> str:
    """Plotly's decimal and thousands separators, as the locale writes numbers (en: `.,`)."""
    locale = i18n.current()
    return numbers.get_decimal_symbol(locale) + numbers.get_group_symbol(locale)


def percent_suffix() -> str:
    """What follows a percentage's digits: `%` in English, a space and `%` in French."""
    return formats.percent(0).lstrip("0.,")


def days(values: Sequence[date]) -> list[str]:
    """Each day as the locale writes it (plotly's own month names are English)."""
    return [formats.day(value) for value in values]


def day_axis() -> dict[str, str]:
    """Day ticks the locale reads: plotly's month names are English, so French gets digits."""
    if i18n.current() == i18n.DEFAULT_LOCALE:
        return {}
    return {"tickformat": "%d/%m/%Y", "hoverformat": "%d/%m/%Y"}


def done(percent_complete: int | None) -> str:
    """A check-in's percent complete (0..100) as the locale writes a percentage."""
    return formats.percent(None if percent_complete is None else Decimal(percent_complete) / 100)


def balance(share: Decimal | None, band: Decimal, floor: Decimal) -> str:
    """`Client-facing work is 75.0% of the active budget, above the band (at most 60.0%).`"""
    if share is None:
        return _("No active budget yet: the client-facing share is not defined.")
    verdict = "above" if share > band else "below" if share < floor else "within"
    return _(VERDICTS[verdict]) % {
        "share": formats.percent(share),
        "limit": formats.percent(floor if verdict == "below" else band),
    }


def bars(count: int, skewed: Sequence[str]) -> str:
    """How many departments the bars show, and those mostly client-facing by budget."""
    values = {"n": formats.number(count), "names": ", ".join(skewed)}
    if skewed:
        return (
            ngettext(
                "Active work of %(n)s department, client-facing versus internal."
                " Mostly client-facing by budget: %(names)s.",
                "Active work of %(n)s departments, client-facing versus internal."
                " Mostly client-facing by budget: %(names)s.",
                count,
            )
            % values
        )
    return (
        ngettext(
            "Active work of %(n)s department, client-facing versus internal.",
            "Active work of %(n)s departments, client-facing versus internal.",
            count,
        )
        % values
    )


def trend(points: Sequence[tuple[date, Decimal | None, Decimal | None]]) -> str:
    """The snapshots' span and how the client-facing share moved over it."""
    if not points:
        return _("No snapshot yet.")
    known = [point[1] for point in points if point[1] is not None]
    return ngettext(
        "%(n)s snapshot from %(first_day)s to %(last_day)s: the client-facing share"
        " went from %(first)s to %(last)s.",
        "%(n)s snapshots from %(first_day)s to %(last_day)s: the client-facing share"
        " went from %(first)s to %(last)s.",
        len(points),
    ) % {
        "n": formats.number(len(points)),
        "first_day": formats.day(points[0][0]),
        "last_day": formats.day(points[-1][0]),
        "first": _share(known[0] if known else None),
        "last": _share(known[-1] if known else None),
    }


def _share(share: Decimal | None) -> str:
    return _("n/a") if share is None else formats.percent(share)


def checkins(ordered: Sequence[Any]) -> str:
    """How many check-ins, and what the latest reports."""
    if not ordered:
        return _("No check-in yet.")
    last = ordered[-1]
    values = {
        "n": formats.number(len(ordered)),
        "day": formats.day(last.reported_on),
        "done": done(last.percent_complete),
    }
    sentences = ONE_CHECKIN if len(ordered) == 1 else LATEST_CHECKIN
    return _(sentences[str(last.health)]) % values


def measurements(kpi: Any, ordered: Sequence[Any], unit: str) -> str:
    """How many measurements, and the latest against the baseline and the target."""
    if not ordered:
        return _("No measurement yet.")
    latest = ordered[-1]
    return ngettext(
        "%(n)s measurement; the latest, on %(day)s, is %(value)s"
        " (baseline %(baseline)s, target %(target)s).",
        "%(n)s measurements; the latest, on %(day)s, is %(value)s"
        " (baseline %(baseline)s, target %(target)s).",
        len(ordered),
    ) % {
        "n": formats.number(len(ordered)),
        "day": formats.day(latest.measured_on),
        "value": value(latest.value, unit),
        "baseline": value(kpi.baseline_value, unit),
        "target": value(kpi.target_value, unit),
    }


def value(figure: Decimal | None, unit: str) -> str:
    """A KPI figure with two decimals and its unit (`1,234.50 pts` / `1 234,50 pts`)."""
    return _("not set") if figure is None else formats.number(figure, 2) + unit
