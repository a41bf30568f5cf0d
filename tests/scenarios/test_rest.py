"""The scenario REST surface: validation, saved scenarios, compare, apply."""

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import AuditEvent, Initiative
from tests.auth.helpers import bearer
from tests.factories import make_account, make_initiative, make_token
from tests.scenarios.conftest import Portfolio

EVALUATE = "/api/v1/scenarios/evaluate"


def moves_of(p: Portfolio) -> list[dict[str, Any]]:
    """Stop B, approve E, make C hybrid at 0.4 with a 250 budget."""
    return [
        {"initiative_id": p.ids["b"], "status": "stopped", "lessons_learned": "Bought it instead."},
        {"initiative_id": p.ids["e"], "status": "approved"},
        {
            "initiative_id": p.ids["c"],
            "orientation": "hybrid",
            "client_share": "0.4",
            "budget_planned": "250",
        },
    ]


async def refused(client: httpx.AsyncClient, moves: list[dict[str, Any]]) -> dict[str, Any]:
    response = await client.post(EVALUATE, json={"moves": moves})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


async def test_evaluate_answers_before_and_after(
    client: httpx.AsyncClient, portfolio: Portfolio
) -> None:
    response = await client.post(EVALUATE, json={"moves": moves_of(portfolio)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (
        body["before"]["balance"]["client_share"],
        body["after"]["balance"]["client_share"],
    ) == (
        0.8333,
        0.6667,
    )
    assert (body["before"]["alignment_score"], body["after"]["alignment_score"]) == (0.3333, 0.4167)
    assert [(f["code"], f["entity_code"]) for f in body["appearing"]] == [
        ("MISSING_ENABLER", "INI-A"),
        ("SILO_KPI", "INI-E"),
    ]


async def test_unknown_initiative_names_the_move(
    client: httpx.AsyncClient, portfolio: Portfolio
) -> None:
    moves = [{"initiative_id": portfolio.ids["a"], "budget_planned": "1"} for _ in range(1)]
    moves += [{"initiative_id": portfolio.ids[name]} for name in ("b", "c")]
    moves.append({"initiative_id": 987654321, "status": "approved"})
    body = await refused(client, moves)
    assert (body["code"], body["field"]) == ("unknown_reference", "moves[3].initiative_id")
    assert body["detail"] == "moves[3]: initiative 987654321 does not exist."


async def test_transition_not_allowed_names_the_move(
    client: httpx.AsyncClient, portfolio: Portfolio
) -> None:
    body = await refused(client, [{"initiative_id": portfolio.ids["d"], "status": "in_progress"}])
    assert (body["code"], body["field"]) == ("invalid_transition", "moves[0].status")
    assert body["detail"] == (
        "moves[0]: INI-D: An initiative cannot go from done to in_progress;"
        " allowed from done: none."
    )


async def test_client_share_against_orientation_names_the_move(
    client: httpx.AsyncClient, portfolio: Portfolio
) -> None:
    moves = [
        {"initiative_id": portfolio.ids["b"], "orientation": "hybrid"},
        {"initiative_id": portfolio.ids["a"], "client_share": "0.5"},
    ]
    body = await refused(client, moves)
    assert (body["code"], body["field"]) == ("client_share_not_settable", "moves[1].client_share")


async def test_stop_without_lessons_and_duplicates_are_refused(
    client: httpx.AsyncClient, portfolio: Portfolio
) -> None:
    body = await refused(client, [{"initiative_id": portfolio.ids["a"], "status": "stopped"}])
    assert (body["code"], body["field"]) == ("lessons_learned_required", "moves[0].lessons_learned")
    twice = [{"initiative_id": portfolio.ids["a"]}, {"initiative_id": portfolio.ids["a"]}]
    body = await refused(client, twice)
    assert (body["code"], body["field"]) == ("duplicate_move", "moves[1].initiative_id"), body


async def test_at_most_500_moves(client: httpx.AsyncClient, portfolio: Portfolio) -> None:
    body = await refused(client, [{"initiative_id": portfolio.ids["a"]}] * 501)
    assert body["field"] == "moves"
    bad = await refused(client, [{"initiative_id": portfolio.ids["a"], "status": "nope"}])
    assert bad["field"] == "moves.0.status"


async def test_after_equals_the_portfolio_once_applied(
    client: httpx.AsyncClient, portfolio: Portfolio
) -> None:
    evaluated = (await client.post(EVALUATE, json={"moves": moves_of(portfolio)})).json()
    saved = await client.post(
        "/api/v1/scenarios", json={"name": "Rebalance", "moves": moves_of(portfolio)}
    )
    assert saved.status_code == 201, saved.text
    applied = await client.post(f"/api/v1/scenarios/{saved.json()['id']}/apply")
    assert applied.status_code == 200, applied.text
    assert [i["status"] for i in applied.json()["initiatives"]] == [
        "stopped",
        "approved",
        "approved",
    ]

    balance = (await client.get("/api/v1/portfolio/balance")).json()
    flags = (await client.get("/api/v1/portfolio/flags")).json()
    alignment = (await client.get("/api/v1/portfolio/alignment")).json()
    assert evaluated["after"]["balance"] == balance
    assert evaluated["after"]["flag_counts"] == flags["counts"]
    assert evaluated["after"]["alignment_score"] == alignment["alignment_score"]
    # And evaluating nothing now shows the applied portfolio as today's.
    now = (await client.post(EVALUATE, json={"moves": []})).json()
    assert now["before"] == evaluated["after"]


async def test_apply_is_all_or_nothing(
    client: httpx.AsyncClient, session: AsyncSession, portfolio: Portfolio
) -> None:
    # F is a client-facing proposal with no KPI and no enabler: the approval gate refuses it.
    f = await make_initiative(
        session,
        code="INI-F",
        department_id=portfolio.ids["it"],
        orientation="client_facing",
        status="proposed",
    )
    f_id = f.id
    moves = [*moves_of(portfolio), {"initiative_id": f_id, "status": "approved"}]
    saved = (
        await client.post("/api/v1/scenarios", json={"name": "Too far", "moves": moves})
    ).json()
    before = (await client.get("/api/v1/portfolio/balance")).json()

    response = await client.post(f"/api/v1/scenarios/{saved['id']}/apply")
    assert response.status_code == 409, response.text
    body = response.json()
    assert (body["code"], body["move"], body["initiative_id"]) == (
        "approval_checks_failed",
        3,
        f_id,
    )
    assert body["detail"].startswith("moves[3]: ")
    assert (await client.get("/api/v1/portfolio/balance")).json() == before
    statuses = await session.scalars(
        select(Initiative.status).where(Initiative.id.in_([portfolio.ids["b"], portfolio.ids["e"]]))
    )
    assert sorted(statuses) == ["in_progress", "proposed"]
    applied = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.entity_type == "initiative", AuditEvent.action == "transition")
    )
    assert applied == 0


async def test_saved_scenarios_list_get_compare_delete(
    client: httpx.AsyncClient, portfolio: Portfolio
) -> None:
    first = await client.post(
        "/api/v1/scenarios", json={"name": "Stop B", "moves": moves_of(portfolio)[:1]}
    )
    second = await client.post(
        "/api/v1/scenarios", json={"name": "All three", "moves": moves_of(portfolio)}
    )
    a, b = first.json()["id"], second.json()["id"]
    assert first.headers["location"] == f"/api/v1/scenarios/{a}"
    again = await client.post("/api/v1/scenarios", json={"name": "Stop B", "moves": []})
    assert (again.status_code, again.json()["code"]) == (409, "duplicate_name")

    page = (await client.get("/api/v1/scenarios?limit=1")).json()
    assert [s["name"] for s in page["items"]] == ["Stop B"]
    rest = (await client.get(f"/api/v1/scenarios?cursor={page['next_cursor']}")).json()
    assert ([s["name"] for s in rest["items"]], rest["next_cursor"]) == (["All three"], None)

    one = (await client.get(f"/api/v1/scenarios/{a}")).json()
    assert one["moves"] == [moves_of(portfolio)[0]]
    assert one["evaluation"]["after"]["balance"]["client_share"] == 1.0

    compared = (await client.get(f"/api/v1/scenarios/compare?a={a}&b={b}")).json()
    assert (compared["a"]["name"], compared["b"]["name"]) == ("Stop B", "All three")
    assert compared["b"]["evaluation"]["after"]["balance"]["client_share"] == 0.6667

    assert (await client.delete(f"/api/v1/scenarios/{a}")).status_code == 204
    assert (await client.get(f"/api/v1/scenarios/{a}")).status_code == 404


async def test_who_may_save_and_apply(
    anon: httpx.AsyncClient, session: AsyncSession, portfolio: Portfolio
) -> None:
    viewer = bearer(await make_token(session, await make_account(session, role="viewer")))
    head_account = await make_account(
        session, role="department_head", department_id=portfolio.ids["marketing"]
    )
    head = bearer(await make_token(session, head_account))
    body = {"name": "Head's idea", "moves": moves_of(portfolio)[:1]}

    evaluated = await anon.post(EVALUATE, json={"moves": body["moves"]}, headers=viewer)
    assert evaluated.status_code == 200
    refused = await anon.post("/api/v1/scenarios", json=body, headers=viewer)
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    saved = await anon.post("/api/v1/scenarios", json=body, headers=head)
    assert saved.status_code == 201
    assert saved.json()["created_by"] == head_account.id
    apply = await anon.post(f"/api/v1/scenarios/{saved.json()['id']}/apply", headers=head)
    assert (apply.status_code, apply.json()["code"]) == (403, "forbidden")
    audit = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.entity_type == "scenario", AuditEvent.action == "create")
    )
    assert audit == 1


async def test_a_scenario_overtaken_by_events_says_why(
    client: httpx.AsyncClient, portfolio: Portfolio
) -> None:
    moves = [{"initiative_id": portfolio.ids["d"], "status": "stopped"}]  # D is done already
    approve = [{"initiative_id": portfolio.ids["e"], "status": "approved"}]
    saved = (
        await client.post("/api/v1/scenarios", json={"name": "Later", "moves": approve})
    ).json()
    url = f"/api/v1/initiatives/{portfolio.ids['e']}"
    etag = (await client.get(url)).headers["etag"]
    stop_e = {"status": "stopped", "lessons_learned": "Not needed."}
    stopped = await client.patch(url, json=stop_e, headers={"If-Match": etag})
    assert stopped.status_code == 200, stopped.text
    body = (await client.get(f"/api/v1/scenarios/{saved['id']}")).json()
    assert body["evaluation"] is None
    assert body["problem"] == (
        "moves[0]: INI-E: An initiative cannot go from stopped to approved;"
        " allowed from stopped: none."
    )
    refused = await client.post("/api/v1/scenarios", json={"name": "Nope", "moves": moves})
    assert (refused.status_code, refused.json()["field"]) == (422, "moves[0].status")
