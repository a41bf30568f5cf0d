"""A scripted day in the portfolio: the audit trail holds every write and nothing else."""

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import AuditEvent
from tests.auth.helpers import bearer
from tests.factories import make_account, make_department, make_person, make_token

V = "/api/v1"


async def test_the_trail_of_a_scripted_scenario(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    it = await make_department(session, code="it")
    owner = await make_person(session, department_id=it.id, name="Owner")
    cdo = await make_account(session, "cdo_office", email="cdo@example.com")
    head = await make_account(
        session, "department_head", email="head@example.com", department_id=it.id
    )
    contributor = await make_account(
        session, "contributor", email="owner@example.com", person_id=owner.id
    )
    viewer = await make_account(session, "viewer", email="viewer@example.com")
    tokens = {a.email: await make_token(session, a) for a in (cdo, head, contributor, viewer)}
    await session.commit()  # keep the setup when refused requests roll back
    cdo_id, head_id, owner_account_id, owner_id = cdo.id, head.id, contributor.id, owner.id
    it_id = it.id

    async def call(who: str, method: str, url: str, body: Any = None, **headers: str) -> Any:
        sent = bearer(tokens[who]) | {"X-Request-ID": f"step-{len(steps) + 1}"} | headers
        steps.append(url)
        return await anon.request(method, f"{V}{url}", json=body, headers=sent)

    steps: list[str] = []
    ops = (
        await call("cdo@example.com", "POST", "/departments", {"code": "ops", "name": "Ops"})
    ).json()
    await call(
        "cdo@example.com",
        "PATCH",
        f"/accounts/{head_id}",
        {"department_id": ops["id"]},
        **{"If-Match": '"1"'},
    )
    kpi = (
        await call(
            "cdo@example.com",
            "POST",
            "/kpis",
            {
                "code": "KPI-OPS",
                "name": "Stock-outs",
                "direction": "decrease",
                "perspective": "operations",
                "department_ids": [ops["id"]],
            },
        )
    ).json()
    body = {
        "code": "INI-OPS",
        "title": "Traceability",
        "orientation": "internal",
        "department_id": ops["id"],
        "owner_id": owner_id,
        "user_need": "Planners learn of stock-outs from customers.",
    }
    initiative = (await call("head@example.com", "POST", "/initiatives", body)).json()
    at = f"/initiatives/{initiative['id']}"
    await call("head@example.com", "PUT", f"{at}/kpis/{kpi['id']}", {"weight": "0.5"})
    await call("head@example.com", "PATCH", at, {"title": "Track and trace"}, **{"If-Match": '"1"'})
    # Only the CDO office approves (a head's approval would be a change request).
    await call("cdo@example.com", "PATCH", at, {"status": "approved"}, **{"If-Match": '"2"'})
    checkin = {
        "percent_complete": 10,
        "health": "green",
        "summary": "Kick-off",
        "reported_on": "2026-11-02",
    }
    update = (await call("owner@example.com", "POST", f"{at}/updates", checkin)).json()
    measure = f"/kpis/{kpi['id']}/measurements"
    first = (
        await call(
            "head@example.com", "POST", measure, {"measured_on": "2026-10-31", "value": "12"}
        )
    ).json()
    await call("head@example.com", "POST", measure, {"measured_on": "2026-10-31", "value": "11"})
    await call("head@example.com", "POST", measure, {"measured_on": "2026-10-31", "value": "11"})
    # Refused or invalid: nothing is recorded for these.
    assert (
        await call("viewer@example.com", "PATCH", at, {"title": "No"}, **{"If-Match": '"3"'})
    ).status_code == 403
    assert (
        await call("head@example.com", "PATCH", at, {"title": "Old"}, **{"If-Match": '"1"'})
    ).status_code == 412
    assert (await call("head@example.com", "POST", "/initiatives", body)).status_code == 409
    bulk = {
        "items": [
            {"measured_on": "2026-09-30", "value": "14"},
            {"measured_on": "2026-10-31", "value": "11"},
        ]
    }
    assert (await call("cdo@example.com", "POST", f"{measure}/bulk", bulk)).json()["created"] == 1

    events = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()
    trail = [
        (
            e.request_id,
            e.actor_account_id,
            e.action,
            e.entity_type,
            e.parent_type,
            e.before,
            e.after,
        )
        for e in events
    ]
    assert trail == [
        (
            "step-1",
            cdo_id,
            "create",
            "department",
            None,
            None,
            {"id": ops["id"], "code": "ops", "name": "Ops", "head_id": None, "version": 1},
        ),
        (
            "step-2",
            cdo_id,
            "update",
            "account",
            None,
            {"department_id": it_id, "version": 1},
            {"department_id": ops["id"], "version": 2},
        ),
        ("step-3", cdo_id, "create", "kpi", None, None, trail[2][6]),
        ("step-4", head_id, "create", "initiative", None, None, trail[3][6]),
        ("step-5", head_id, "create", "initiative_kpi", "initiative", None, trail[4][6]),
        (
            "step-6",
            head_id,
            "update",
            "initiative",
            None,
            {"title": "Traceability", "version": 1},
            {"title": "Track and trace", "version": 2},
        ),
        (
            "step-7",
            cdo_id,
            "transition",
            "initiative",
            None,
            {"status": "proposed", "version": 2},
            {"status": "approved", "version": 3},
        ),
        ("step-8", owner_account_id, "create", "progress_update", "initiative", None, trail[7][6]),
        ("step-9", head_id, "create", "kpi_measurement", "kpi", None, trail[8][6]),
        (
            "step-10",
            head_id,
            "update",
            "kpi_measurement",
            "kpi",
            {"value": "12.0000", "version": 1, "measured_on": "2026-10-31"},
            {"value": "11.0000", "version": 2},
        ),
        (
            "step-15",
            cdo_id,
            "record_measurements",
            "kpi",
            None,
            None,
            {"created": 1, "updated": 0, "unchanged": 1, "written": {"2026-09-30": "14.0000"}},
        ),
    ]
    assert trail[2][6]["department_ids"] == [ops["id"]]  # type: ignore[index]
    assert (trail[3][6]["code"], trail[3][6]["department_id"]) == ("INI-OPS", ops["id"])  # type: ignore[index]
    assert trail[4][6]["weight"] == "0.5"  # type: ignore[index]
    assert (trail[7][6]["id"], trail[7][6]["author_id"]) == (update["id"], owner_id)  # type: ignore[index]
    assert (trail[8][6]["id"], trail[8][6]["value"]) == (first["id"], "12.0000")  # type: ignore[index]
    assert [e.entity_id for e in events][3:5] == [initiative["id"], events[4].entity_id]
    history = await anon.get(f"{V}{at}/history", headers=bearer(tokens["viewer@example.com"]))
    assert [e["action"] for e in history.json()["items"]] == [
        "create",
        "create",
        "update",
        "transition",
        "create",
    ]
