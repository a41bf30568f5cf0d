"""REST: /api/v1/audit and /api/v1/{resource}/{id}/history."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth.helpers import bearer
from tests.factories import make_account, make_token


async def test_every_write_is_in_the_trail_with_its_actor(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await make_account(session, "cdo_office")
    auth = bearer(await make_token(session, account)) | {"X-Request-ID": "req-7"}
    created = (
        await anon.post("/api/v1/departments", json={"code": "hr", "name": "HR"}, headers=auth)
    ).json()
    await anon.patch(
        f"/api/v1/departments/{created['id']}",
        json={"name": "People"},
        headers=auth | {"If-Match": '"1"'},
    )
    trail = await anon.get(
        "/api/v1/audit",
        params={"entity_type": "department", "entity_id": created["id"]},
        headers=auth,
    )
    assert trail.status_code == 200
    events = [
        (
            e["action"],
            e["actor_account_id"],
            e["actor_label"],
            e["before"],
            e["after"],
            e["request_id"],
        )
        for e in trail.json()["items"]
    ]
    assert events == [
        (
            "create",
            account.id,
            account.email,
            None,
            {"id": created["id"], "code": "hr", "name": "HR", "head_id": None, "version": 1},
            "req-7",
        ),
        (
            "update",
            account.id,
            account.email,
            {"name": "HR", "version": 1},
            {"name": "People", "version": 2},
            "req-7",
        ),
    ]
    history = await anon.get(f"/api/v1/departments/{created['id']}/history", headers=auth)
    assert [e["action"] for e in history.json()["items"]] == ["create", "update"]


async def test_the_trail_filters_by_actor_and_time(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    first, second = (
        await make_account(session, "cdo_office"),
        await make_account(session, "cdo_office"),
    )
    for n, account in enumerate((first, second, first)):
        await anon.post(
            "/api/v1/departments",
            json={"code": f"d{n}", "name": f"D{n}"},
            headers=bearer(await make_token(session, account)),
        )
    auth = bearer(await make_token(session, first))
    mine = (
        await anon.get("/api/v1/audit", params={"actor_account_id": first.id}, headers=auth)
    ).json()
    assert [e["after"]["code"] for e in mine["items"]] == ["d0", "d2"]
    future = await anon.get("/api/v1/audit", params={"from": "2999-01-01T00:00:00Z"}, headers=auth)
    assert future.json() == {"items": [], "next_cursor": None}


async def test_only_the_cdo_office_reads_the_trail_but_anyone_reads_history(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    viewer = bearer(await make_token(session, await make_account(session, "viewer")))
    await session.commit()  # keep the setup when a refused request rolls back
    refused = await anon.get("/api/v1/audit", headers=viewer)
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    for resource in ("departments", "people", "initiatives", "kpis"):
        response = await anon.get(f"/api/v1/{resource}/1/history", headers=viewer)
        assert response.status_code == 200
