"""Interactive charts: plotly figures built here, drawn in the browser by the plotly.js
basic bundle the app serves itself (bar and scatter traces), and the bullet gauge the page
draws as SVG. Each chart carries a sentence for screen readers (service/pages/chart_words.py,
in the page's language); the templates put a data table beside it."""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
from markupsafe import Markup

from service.i18n import gettext as _
from service.pages import chart_words as words
from service.pages.render import label

CLIENT = "#c2410c"
INTERNAL = "#1d4ed8"
BAND = "#6b7280"
HEALTH = {"green": "#15803d", "amber": "#b45309", "red": "#b91c1c"}
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}

_ids = itertools.count(1)


@dataclass(frozen=True)
class Chart:
    """A figure to draw (`figure`: JSON safe inside a script tag) and its text equivalent."""

    id: str
    summary: str
    figure: Markup


@dataclass(frozen=True)
class DepartmentBar:
    """One department's active work, client-facing vs internal, by budget and by count."""

    name: str
    client_budget: float
    internal_budget: float
    client_count: float
    internal_count: float


def _chart(fig: go.Figure, summary: str, height: int) -> Chart:
    fig.update_layout(
        template="none",
        font=FONT,
        separators=words.separators(),
        height=height,
        margin={"l": 48, "r": 16, "t": 32, "b": 40},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        # Above the plot, anchored by its foot: on a phone it wraps upward, never over the data.
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    # Room for the tick labels at any width (page script thins the ticks on a phone).
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    payload = fig.to_json()
    # Inside <script type="application/json">: nothing may close the tag early.
    safe = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Chart(id=f"chart-{next(_ids)}", summary=summary, figure=Markup(safe))


def _pct(share: Decimal | float | None) -> float | None:
    return None if share is None else round(float(share) * 100, 1)


@dataclass(frozen=True)
class Bullet:
    """The client-facing share (percent) against the band, drawn as SVG by the page itself:
    a bullet gauge needs no plotly.js (its Indicator trace is not in the basic bundle)."""

    id: str
    summary: str
    value: float | None
    low: float
    limit: float
    outside: bool
    ticks: tuple[int, ...] = (0, 20, 40, 60, 80, 100)


def balance_bullet(share: Decimal | None, band: Decimal, floor: Decimal = Decimal(0)) -> Bullet:
    """The portfolio's client-facing share as a bullet gauge, the band's ends marked."""
    value, limit, low = _pct(share), _pct(band) or 0.0, _pct(floor) or 0.0
    outside = value is not None and (value > limit or value < low)
    summary = words.balance(share, band, floor)
    return Bullet(f"chart-{next(_ids)}", summary, value, low, limit, outside)


BY_BUDGET = "true,true,false,false"
BY_COUNT = "false,false,true,true"


def department_bars(bars: Sequence[DepartmentBar], weight: str, currency: str) -> Chart:
    """Stacked bars per department, client-facing vs internal, by budget or by count.

    All four traces are drawn; `weight` picks the visible pair and the page's switch
    (BY_BUDGET / BY_COUNT) shows the other pair without a reload."""
    names = [bar.name for bar in bars]
    by_budget = weight != "count"
    money = {"currency": currency}
    traces = [
        (
            _("Client-facing budget (%(currency)s)") % money,
            CLIENT,
            [b.client_budget for b in bars],
            by_budget,
        ),
        (
            _("Internal budget (%(currency)s)") % money,
            INTERNAL,
            [b.internal_budget for b in bars],
            by_budget,
        ),
        (_("Client-facing initiatives"), CLIENT, [b.client_count for b in bars], not by_budget),
        (_("Internal initiatives"), INTERNAL, [b.internal_count for b in bars], not by_budget),
    ]
    fig = go.Figure(
        [
            go.Bar(
                name=name,
                y=names,
                x=values,
                orientation="h",
                marker_color=color,
                visible=visible,
                hovertemplate=f"%{{y}}: %{{x:,.0f}} · {name}<extra></extra>",
            )
            for name, color, values, visible in traces
        ]
    )
    # The axis is titled for the weight the page opened with; the legend names the unit of
    # the pair shown, whichever the switch picks.
    axis = _("Active budget (%(currency)s)") % money if by_budget else _("Active initiatives")
    fig.update_layout(
        barmode="stack",
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"gridcolor": "#e5e7eb", "zeroline": False, "title": {"text": axis}},
    )
    skewed = [b.name for b in bars if b.client_budget > b.internal_budget]
    summary = words.bars(len(bars), skewed)
    return _chart(fig, summary, height=max(220, 46 * len(bars) + 90))


def trend(points: Sequence[tuple[date, Decimal | None, Decimal | None]], band: Decimal) -> Chart:
    """The client-facing share and the alignment score over the snapshots, with the band."""
    days = [point[0] for point in points]
    shares = [_pct(point[1]) for point in points]
    aligned = [_pct(point[2]) for point in points]
    limit = _pct(band)
    suffix = words.percent_suffix()
    fig = go.Figure(
        [
            go.Scatter(
                x=days,
                y=values,
                name=name,
                line_color=color,
                hovertemplate=f"%{{y:.1f}}{suffix}<extra>{name}</extra>",
            )
            for name, values, color in (
                (_("Client-facing share"), shares, CLIENT),
                (_("Alignment score"), aligned, INTERNAL),
            )
        ]
        + [
            go.Scatter(
                x=[days[0], days[-1]] if days else [],
                y=[limit, limit],
                name=_("Band limit"),
                mode="lines",
                line={"color": BAND, "dash": "dash"},
                hoverinfo="skip",
            ),
        ]
    )
    fig.update_layout(
        hovermode="x unified",
        yaxis={
            "range": [0, 100],
            "ticksuffix": suffix,
            "gridcolor": "#e5e7eb",
            "title": {"text": _("Share of the active budget (%)")},
        },
        xaxis={"gridcolor": "#f3f4f6", "title": {"text": _("Snapshot day")}, **words.day_axis()},
    )
    return _chart(fig, words.trend(points), height=300)


def checkin_timeline(checkins: Sequence[Any]) -> Chart:
    """Percent complete over time, each check-in's marker coloured by its health."""
    ordered = sorted(checkins, key=lambda c: (c.reported_on, c.id))
    suffix = words.percent_suffix()
    fig = go.Figure(
        go.Scatter(
            x=[c.reported_on for c in ordered],
            y=[c.percent_complete for c in ordered],
            mode="lines",
            line={"color": "#9ca3af"},
            name=_("Percent complete"),
            hoverinfo="skip",
        )
    )
    for health, color in HEALTH.items():
        points = [c for c in ordered if c.health == health]
        fig.add_trace(
            go.Scatter(
                x=[c.reported_on for c in points],
                y=[c.percent_complete for c in points],
                mode="markers",
                marker={"color": color, "size": 11, "line": {"color": "white", "width": 1}},
                name=label(health),
                customdata=[
                    [day, words.done(c.percent_complete)]
                    for day, c in zip(
                        words.days([c.reported_on for c in points]), points, strict=True
                    )
                ],
                text=[c.summary[:120] for c in points],
                hovertemplate="%{customdata[0]}: %{customdata[1]}<br>%{text}<extra>"
                + label(health)
                + "</extra>",
            )
        )
    fig.update_layout(
        yaxis={
            "range": [0, 105],
            "ticksuffix": suffix,
            "gridcolor": "#e5e7eb",
            "title": {"text": _("Percent complete")},
        },
        xaxis={"title": {"text": _("Check-in day")}, **words.day_axis()},
    )
    return _chart(fig, words.checkins(ordered), height=280)


def kpi_measurements(kpi: Any, measurements: Sequence[Any]) -> Chart:
    """A KPI's measurements over time against its baseline and its target."""
    ordered = sorted(measurements, key=lambda m: m.measured_on)
    days = [m.measured_on for m in ordered]
    unit = f" {kpi.unit}" if kpi.unit else ""
    measured = _("Measurements")
    traces = [
        go.Scatter(
            x=days,
            y=[float(m.value) for m in ordered],
            name=measured,
            mode="lines+markers",
            line_color=INTERNAL,
            customdata=words.days(days),
            hovertemplate=f"%{{customdata}}: %{{y:,.2f}}{unit}<extra>{measured}</extra>",
        )
    ]
    span = [min([*days, *_dates(kpi)]), max([*days, *_dates(kpi)])] if days or _dates(kpi) else []
    for name, value, color in (
        (_("Baseline"), kpi.baseline_value, BAND),
        (_("Target"), kpi.target_value, "#15803d"),
    ):
        if value is not None and span:
            traces.append(
                go.Scatter(
                    x=span,
                    y=[float(value)] * 2,
                    name=name,
                    mode="lines",
                    line={"color": color, "dash": "dash"},
                    hovertemplate=f"{name}: %{{y:,.2f}}{unit}<extra></extra>",
                )
            )
    fig = go.Figure(traces)
    fig.update_layout(
        yaxis={"gridcolor": "#e5e7eb", "title": kpi.unit or None},
        xaxis={"title": {"text": _("Measurement day")}, **words.day_axis()},
    )
    return _chart(fig, words.measurements(kpi, ordered, unit), height=300)


def _dates(kpi: Any) -> list[date]:
    return [d for d in (kpi.baseline_date, kpi.target_date) if d is not None]
