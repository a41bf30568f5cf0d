"""Charts in the page's language: sentences, legend names, axis titles and number separators."""

import json
from datetime import date
from decimal import Decimal

from service import i18n
from service.pages import charts


def test_the_balance_sentence_uses_one_decimal_in_each_language() -> None:
    english = charts.balance_bullet(Decimal("0.75"), Decimal("0.6"), Decimal("0.35"))
    with i18n.use("fr"):
        french = charts.balance_bullet(Decimal("0.75"), Decimal("0.6"), Decimal("0.35"))
    assert english.summary == (
        "Client-facing work is 75.0% of the active budget, above the band (at most 60.0%)."
    )
    assert french.summary == (
        "Le travail orienté client représente 75,0\u00a0% du budget actif, au-dessus de la"
        " fourchette (au plus 60,0\u00a0%)."
    )


def test_department_bars_name_the_currency_and_write_numbers_as_the_locale_does() -> None:
    bars = [charts.DepartmentBar("Marketing", 300.0, 100.0, 3.0, 1.0)]
    english = json.loads(str(charts.department_bars(bars, "budget", "EUR").figure))
    with i18n.use("fr"):
        chart = charts.department_bars(bars, "budget", "EUR")
    french = json.loads(str(chart.figure))
    assert english["layout"]["separators"] == ".,"
    assert english["layout"]["xaxis"]["title"]["text"] == "Active budget (EUR)"
    assert french["layout"]["separators"] == ",\u202f"
    assert french["layout"]["xaxis"]["title"]["text"] == "Budget actif (EUR)"
    assert [trace["name"] for trace in french["data"]] == [
        "Budget orienté client (EUR)",
        "Budget interne (EUR)",
        "Initiatives orientées client",
        "Initiatives internes",
    ]
    assert chart.summary == (
        "Travail actif de 1 département, orienté client ou interne."
        " Surtout orienté client en budget : Marketing."
    )


def test_the_trend_sentence_dates_and_shares_in_french() -> None:
    points = [
        (date(2026, 1, 31), Decimal("0.5"), None),
        (date(2026, 2, 28), Decimal("0.6619"), None),
    ]
    with i18n.use("fr"):
        chart = charts.trend(points, Decimal("0.6"))
    figure = json.loads(str(chart.figure))
    assert chart.summary == (
        "2 instantanés du 31 janv. 2026 au 28 févr. 2026 : la part orientée client est passée"
        " de 50,0\u00a0% à 66,2\u00a0%."
    )
    assert figure["layout"]["yaxis"]["ticksuffix"] == "\u00a0%"
    assert figure["layout"]["xaxis"]["tickformat"] == "%d/%m/%Y"
