"""`scenario(moves:)` in GraphQL: the same evaluation as REST, errors naming the move."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.scenarios.conftest import Portfolio, Run

QUERY = """
query($moves: [ScenarioMoveInput!]!) {
  scenario(moves: $moves) {
    before { balance { clientShare departments { departmentCode clientShare } }
             alignmentScore flagCounts { code count } }
    after { balance { clientShare totalWeight withinBand } alignmentScore
            flagCounts { code count } }
    appearing { code entityCode departmentCode name }
    disappearing { code entityCode }
  }
}
"""


def moves(p: Portfolio) -> list[dict[str, object]]:
    return [
        {"initiativeId": p.ids["b"], "status": "stopped", "lessonsLearned": "Bought it instead."},
        {"initiativeId": p.ids["e"], "status": "approved"},
        {
            "initiativeId": str(p.ids["c"]),
            "orientation": "hybrid",
            "clientShare": "0.4",
            "budgetPlanned": "250",
        },
    ]


async def test_scenario_matches_rest(
    graphql: Run, client: httpx.AsyncClient, portfolio: Portfolio
) -> None:
    result = await graphql(QUERY, {"moves": moves(portfolio)})
    assert "errors" not in result, result
    scenario = result["data"]["scenario"]
    assert scenario["after"]["balance"] == {
        "clientShare": 0.6667,
        "totalWeight": "600.00",
        "withinBand": False,
    }
    assert (scenario["before"]["alignmentScore"], scenario["after"]["alignmentScore"]) == (
        0.3333,
        0.4167,
    )
    assert scenario["appearing"] == [
        {
            "code": "MISSING_ENABLER",
            "entityCode": "INI-A",
            "departmentCode": "marketing",
            "name": "Initiative INI-A",
        },
        {
            "code": "SILO_KPI",
            "entityCode": "INI-E",
            "departmentCode": "it",
            "name": "Initiative INI-E",
        },
    ]
    rest = (
        await client.post(
            "/api/v1/scenarios/evaluate",
            json={
                "moves": [
                    {
                        "initiative_id": portfolio.ids["b"],
                        "status": "stopped",
                        "lessons_learned": "x",
                    },
                    {"initiative_id": portfolio.ids["e"], "status": "approved"},
                    {
                        "initiative_id": portfolio.ids["c"],
                        "orientation": "hybrid",
                        "client_share": "0.4",
                        "budget_planned": "250",
                    },
                ]
            },
        )
    ).json()
    counts = {c["code"]: c["count"] for c in scenario["after"]["flagCounts"]}
    assert counts == rest["after"]["flag_counts"]


async def test_scenario_errors_name_the_move(
    graphql: Run, session: AsyncSession, portfolio: Portfolio
) -> None:
    bad = [{"initiativeId": portfolio.ids["a"]}, {"initiativeId": 987654321}]
    result = await graphql(QUERY, {"moves": bad})
    [error] = result["errors"]
    assert error["extensions"]["code"] == "unknown_reference"
    assert error["extensions"]["field"] == "moves[1].initiativeId"
    share = [{"initiativeId": portfolio.ids["a"], "clientShare": "0.5"}]
    [error] = (await graphql(QUERY, {"moves": share}))["errors"]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == (
        "client_share_not_settable",
        "moves[0].clientShare",
    )
