"""Flag messages in the request's language: the same flag, the same `code`, its sentence and
figures in French with `Accept-Language: fr` (one-decimal percentages, decimal commas)."""

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import link_kpi, make_department, make_initiative, make_kpi

FLAGS = "/api/v1/flags"
FRENCH = {"Accept-Language": "fr"}


def _flags(response: httpx.Response) -> list[tuple[str, str | None, str]]:
    assert response.status_code == 200
    items: list[dict[str, Any]] = response.json()["items"]
    return [(f["code"], f["entity_code"], f["message"]) for f in items]


async def _skewed(session: AsyncSession) -> None:
    """Marketing: 300 client-facing, 100 internal, 200 hybrid (half): 66.7% client-facing."""
    d = await make_department(session, code="marketing", name="Marketing")
    for orientation, budget in (("client_facing", 300), ("internal", 100), ("hybrid", 200)):
        await make_initiative(
            session, department_id=d.id, orientation=orientation, budget_planned=budget
        )


async def test_a_skew_reads_in_french_with_french_figures(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _skewed(session)
    query = {"code": "PORTFOLIO_CLIENT_SKEW"}
    english = _flags(await client.get(FLAGS, params=query))
    french = _flags(await client.get(FLAGS, params=query, headers=FRENCH))
    assert english == [
        (
            "PORTFOLIO_CLIENT_SKEW",
            None,
            "Client-facing work is 66.7% of the active budget (band: at most 60.0%).",
        )
    ]
    assert french == [
        (
            "PORTFOLIO_CLIENT_SKEW",
            None,
            "Le travail orienté client représente 66,7\u00a0% du budget actif"
            " (fourchette : au plus 60,0\u00a0%).",
        )
    ]


async def test_an_overclaimed_kpi_writes_its_sum_with_a_decimal_comma(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    d = await make_department(session)
    kpi = await make_kpi(session, code="CSAT", name="Customer satisfaction")
    for weight in ("0.6", "0.75"):
        await link_kpi(session, await make_initiative(session, department_id=d.id), kpi, weight)
    query = {"code": "KPI_OVERCLAIMED"}
    english = _flags(await client.get(FLAGS, params=query))
    french = _flags(await client.get(FLAGS, params=query, headers=FRENCH))
    assert english == [
        (
            "KPI_OVERCLAIMED",
            "CSAT",
            "CSAT Customer satisfaction is claimed by active initiatives whose weights add up"
            " to 1.35 (at most 1).",
        )
    ]
    assert french == [
        (
            "KPI_OVERCLAIMED",
            "CSAT",
            "CSAT Customer satisfaction est revendiqué par des initiatives actives dont les"
            " poids totalisent 1,35 (au plus 1).",
        )
    ]
