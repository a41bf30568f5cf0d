"""REST: /api/v1/webhooks — endpoints, the secret shown once, the delivery log, replay."""

import base64
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncSession

from schema import AuditEvent, WebhookDelivery, WebhookEvent
from service.config import Settings
from tests.auth.helpers import bearer
from tests.webhooks.test_outbox import subscribe

V = "/api/v1/webhooks"
METRICS_TOKEN = "scrape-" + "x" * 24


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url=None, metrics_token=METRICS_TOKEN)


BODY = {"url": "https://crm.example.com/hooks/portfolio", "event_types": ["checkin.recorded"]}


async def _create(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    answer = await client.post(V, json=BODY | fields)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def test_the_secret_is_shown_once_and_never_audited(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    created = await _create(client, description="CRM")
    secret = created["secret"]
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    assert (created["url"], created["event_types"], created["active"], created["version"]) == (
        BODY["url"],
        ["checkin.recorded"],
        True,
        1,
    )
    fetched = await client.get(f"{V}/{created['id']}")
    assert fetched.headers["etag"] == '"1"'
    assert "secret" not in fetched.json()
    listed = await client.get(V)
    assert all("secret" not in item for item in listed.json()["items"])
    trail = await session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.entity_type == "webhook_endpoint",  # type: ignore[arg-type]
            AuditEvent.entity_id == created["id"],  # type: ignore[arg-type]
        )
    )
    [event] = trail.all()
    assert event.action == "create" and event.after is not None
    assert "secret" not in event.after and secret not in str(event.after)


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"url": "ftp://example.com/x"}, "url", "http:// or https://"),
        ({"url": "javascript:alert(1)"}, "url", "http:// or https://"),
        ({"url": "https://"}, "url", "must name a host"),
        ({"url": "https://user:pw@example.com/"}, "url", "user name or password"),
        ({"url": "https://exa mple.com/"}, "url", "spaces or control characters"),
        ({"event_types": []}, "event_types", ""),
        ({"event_types": ["initiative.exploded"]}, "event_types.0", ""),
    ],
)
async def test_bad_input_is_422_naming_the_field(
    client: httpx.AsyncClient, fields: dict[str, Any], field: str, fragment: str
) -> None:
    answer = await client.post(V, json=BODY | fields)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["field"] == field
    assert fragment in answer.text


async def test_update_needs_the_version_and_null_is_refused(client: httpx.AsyncClient) -> None:
    created = await _create(client)
    url = f"{V}/{created['id']}"
    stale = await client.patch(url, json={"active": False}, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    null = await client.patch(url, json={"url": None}, headers={"If-Match": '"1"'})
    assert (null.status_code, null.json()["field"]) == (422, "url")
    changed = await client.patch(
        url,
        json={"active": False, "event_types": ["initiative.deleted", "initiative.created"]},
        headers={"If-Match": '"1"'},
    )
    assert changed.status_code == 200
    body = changed.json()
    assert (body["active"], body["event_types"], body["version"]) == (
        False,
        ["initiative.created", "initiative.deleted"],
        2,
    )
    gone = await client.delete(url, headers={"If-Match": '"2"'})
    assert gone.status_code == 204
    assert (await client.get(url)).status_code == 404


async def test_delivery_log_pages_by_keyset_and_replays(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    endpoint = await subscribe(session, ["initiative.created"])
    department = (await client.post("/api/v1/departments", json={"code": "wh", "name": "W"})).json()
    person = (
        await client.post(
            "/api/v1/people",
            json={"name": "Ann", "email": "ann@example.com", "department_id": department["id"]},
        )
    ).json()
    for n in range(3):
        answer = await client.post(
            "/api/v1/initiatives",
            json={
                "code": f"INI-WH{n}",
                "title": f"Hook {n}",
                "department_id": department["id"],
                "owner_id": person["id"],
                "orientation": "internal",
            },
        )
        assert answer.status_code == 201, answer.text
    log = f"{V}/{endpoint.id}/deliveries"
    first = (await client.get(log, params={"limit": 2})).json()
    second = (await client.get(log, params={"limit": 2, "cursor": first["next_cursor"]})).json()
    codes = [d["payload"]["data"]["code"] for d in first["items"] + second["items"]]
    assert codes == ["INI-WH0", "INI-WH1", "INI-WH2"]
    assert second["next_cursor"] is None
    one = first["items"][0]
    assert (one["status"], one["attempts"], one["event_type"]) == (
        "pending",
        0,
        "initiative.created",
    )
    assert one["webhook_id"] == f"msg_{one['event_id']}"
    replayed = await client.post(f"{log}/{one['id']}/replay")
    assert replayed.status_code == 202
    again = replayed.json()
    assert (again["event_id"], again["webhook_id"], again["status"]) == (
        one["event_id"],
        one["webhook_id"],
        "pending",
    )
    assert again["id"] > second["items"][-1]["id"]
    other = await subscribe(session, ["initiative.created"])
    wrong = await client.post(f"{V}/{other.id}/deliveries/{one['id']}/replay")
    assert (wrong.status_code, wrong.json()["code"]) == (404, "webhook_delivery_not_found")


async def test_test_event_goes_to_that_endpoint_only(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    created = await _create(client)
    await subscribe(session)
    answer = await client.post(f"{V}/{created['id']}/test")
    assert answer.status_code == 202
    body = answer.json()
    assert (body["event_type"], body["payload"]["data"]) == (
        "webhook.test",
        {"endpoint_id": created["id"]},
    )
    sent = await session.scalars(
        sa.select(WebhookDelivery.endpoint_id).where(WebhookDelivery.event_id == body["event_id"])  # type: ignore[arg-type]
    )
    assert sent.all() == [created["id"]]
    event = await session.get(WebhookEvent, body["event_id"])
    assert event is not None and event.payload["type"] == "webhook.test"


async def test_metrics_show_the_backlog(client: httpx.AsyncClient, session: AsyncSession) -> None:
    created = await _create(client)
    pending = int(
        await session.scalar(
            sa.select(sa.func.count()).where(WebhookDelivery.status == "pending")  # type: ignore[arg-type]
        )
        or 0
    )
    await client.post(f"{V}/{created['id']}/test")
    scraped = (await client.get("/metrics", headers=bearer(METRICS_TOKEN))).text
    values = {
        sample.name: sample.value
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
    }
    assert values["webhook_deliveries_pending"] == pending + 1
    assert values["webhook_delivery_lag_seconds"] >= 0


async def test_rotating_the_secret_shows_the_new_one_once(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    created = await _create(client)
    url = f"{V}/{created['id']}/secret"
    assert (await client.post(url)).status_code == 428  # If-Match is required
    rotated = await client.post(url, headers={"If-Match": '"1"'})
    assert rotated.status_code == 200
    secret = rotated.json()["secret"]
    assert secret.startswith("whsec_") and secret != created["secret"]
    assert (rotated.json()["version"], rotated.headers["etag"]) == (2, '"2"')
    trail = await session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.entity_type == "webhook_endpoint",  # type: ignore[arg-type]
            AuditEvent.action == "rotate_secret",  # type: ignore[arg-type]
        )
    )
    [event] = trail.all()
    assert (event.before, event.after) == (
        {"secret_rotated": False, "version": 1},
        {"secret_rotated": True, "version": 2},
    )
