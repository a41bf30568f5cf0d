"""REST: who may acknowledge, assign or snooze a flag; refusals name what and where."""

from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import AuditEvent
from tests.triage.conftest import API, Portfolio

LATER = (date.today() + timedelta(days=7)).isoformat()
BODIES = {
    "acknowledge": {"note": "Known; KPI chosen next week."},
    "snooze": {"until": LATER, "note": "After the steering committee."},
}


@pytest.mark.parametrize("action", ["acknowledge", "snooze", "assign"])
@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("cdo", 200),
        ("head", 200),
        ("owner", 200),
        ("other_head", 403),
        ("helper", 403),
        ("bi", 403),
    ],
)
async def test_whoever_should_act_the_head_and_the_cdo_office_may_triage(
    anon: httpx.AsyncClient, portfolio: Portfolio, action: str, actor: str, status: int
) -> None:
    body = BODIES.get(action, {"person_id": portfolio.ids["helper"]})
    url = portfolio.url("old", action)
    response = await anon.post(url, json=body, headers=portfolio.auth(actor))
    assert response.status_code == status, response.text
    if status == 403:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "forbidden"


async def test_the_assignee_then_should_act_and_may_acknowledge(
    anon: httpx.AsyncClient, portfolio: Portfolio
) -> None:
    assign = portfolio.url("old", "assign")
    body = {"person_id": portfolio.ids["helper"]}
    response = await anon.post(assign, json=body, headers=portfolio.auth("head"))
    assert response.json()["should_act"] == {"id": portfolio.ids["helper"], "name": "Pia"}
    assert response.json()["assigned_to"] == portfolio.ids["helper"]
    acknowledge = portfolio.url("old", "acknowledge")
    done = await anon.post(
        acknowledge, json=BODIES["acknowledge"], headers=portfolio.auth("helper")
    )
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["note"]) == (
        "acknowledged",
        "Known; KPI chosen next week.",
    )


async def test_every_triage_is_audited(
    anon: httpx.AsyncClient, session: AsyncSession, portfolio: Portfolio
) -> None:
    url = portfolio.url("old", "acknowledge")
    await anon.post(url, json=BODIES["acknowledge"], headers=portfolio.auth("owner"))
    await anon.post(
        portfolio.url("old", "snooze"), json=BODIES["snooze"], headers=portfolio.auth("cdo")
    )
    events = (
        await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "flag_triage")
            .order_by(AuditEvent.id)
        )
    ).all()
    key = {"code": "NO_KPI", "entity_type": "initiative", "entity_id": portfolio.ids["old"]}
    assert [(e.action, e.actor_account_id, e.before, e.after) for e in events] == [
        (
            "acknowledge",
            portfolio.accounts["owner"],
            {"acknowledged_by": None, "note": ""},
            key
            | {
                "acknowledged_by": portfolio.accounts["owner"],
                "note": BODIES["acknowledge"]["note"],
            },
        ),
        (
            "snooze",
            portfolio.accounts["cdo"],
            {"snoozed_until": None, "note": BODIES["acknowledge"]["note"]},
            key | {"snoozed_until": LATER, "note": "After the steering committee."},
        ),
    ]
    assert events[0].entity_id == events[1].entity_id


@pytest.mark.parametrize(
    ("action", "body", "status", "code", "field"),
    [
        ("snooze", {"until": date.today().isoformat()}, 422, "snooze_not_in_future", "until"),
        ("snooze", {"until": "2020-01-01"}, 422, "snooze_not_in_future", "until"),
        ("assign", {"person_id": 999999}, 422, "unknown_reference", "person_id"),
        ("acknowledge", {"note": "  "}, 422, None, "note"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(
    anon: httpx.AsyncClient,
    portfolio: Portfolio,
    action: str,
    body: dict[str, object],
    status: int,
    code: str | None,
    field: str,
) -> None:
    url = portfolio.url("old", action)
    response = await anon.post(url, json=body, headers=portfolio.auth("cdo"))
    assert response.status_code == status
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    if code:
        assert problem["code"] == code
    assert field in response.text


async def test_an_inactive_person_cannot_be_assigned(
    anon: httpx.AsyncClient, portfolio: Portfolio
) -> None:
    body = {"person_id": portfolio.ids["gone"]}
    response = await anon.post(
        portfolio.url("old", "assign"), json=body, headers=portfolio.auth("cdo")
    )
    assert (response.status_code, response.json()["code"]) == (422, "unknown_reference")


@pytest.mark.parametrize(
    "path",
    [
        "/flags/NO_KPI/initiative/{orphan}/acknowledge",  # it has a KPI: not raised
        "/flags/OWNER_INACTIVE/initiative/{old}/acknowledge",
        "/flags/NO_KPI/initiative/999999/acknowledge",
        "/flags/PORTFOLIO_CLIENT_SKEW/portfolio/0/acknowledge",  # all internal: in band
    ],
)
async def test_a_flag_not_raised_now_is_not_found(
    anon: httpx.AsyncClient, portfolio: Portfolio, path: str
) -> None:
    url = API + path.format(**portfolio.ids)
    response = await anon.post(url, json=BODIES["acknowledge"], headers=portfolio.auth("cdo"))
    assert (response.status_code, response.json()["code"]) == (404, "flag_not_found")


async def test_the_ranked_list_in_rest(anon: httpx.AsyncClient, portfolio: Portfolio) -> None:
    url = f"{API}/flags?code=NO_KPI&code=OWNER_INACTIVE&limit=2"
    first = (await anon.get(url, headers=portfolio.auth("bi"))).json()
    assert [f["stakes"] for f in first["items"]] == ["800.00", "500.00"]
    assert first["states"]["to_act_on"] == 5
    second = await anon.get(f"{url}&cursor={first['next_cursor']}", headers=portfolio.auth("bi"))
    # Same stakes: the oldest first, then the high-severity one of the same age as `recent`.
    assert [f["entity_id"] for f in second.json()["items"]] == [
        portfolio.ids["old"],
        portfolio.ids["orphan"],
    ]
    bad = await anon.get(f"{url}&cursor=nonsense", headers=portfolio.auth("bi"))
    assert (bad.status_code, bad.json()["code"]) == (422, "validation_error")
