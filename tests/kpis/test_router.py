"""REST: /api/v1/kpis, its measurements and its drivers."""

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import QueryCounter
from tests.factories import (
    link_kpi,
    make_department,
    make_driver,
    make_initiative,
    make_kpi,
    make_measurement,
    make_person,
)
from tests.preconditions import if_match

URL = "/api/v1/kpis"


def kpi_body(department_ids: list[int], **fields: Any) -> dict[str, Any]:
    return {
        "code": "NPS",
        "name": "Net promoter score",
        "direction": "increase",
        "perspective": "customer",
        "department_ids": department_ids,
    } | fields


# A refused request rolls the shared test session back to its last commit: tests that go on
# after one commit their setup first (the test's outer transaction still rolls it all back).


def assert_problem(response: httpx.Response, status: int, code: str, field: str | None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["code"], body.get("field")) == (code, field)


# --- create / get -------------------------------------------------------------------------


async def test_create_then_get(client: httpx.AsyncClient, session: AsyncSession) -> None:
    cx = await make_department(session)
    it = await make_department(session)
    response = await client.post(
        URL,
        json=kpi_body(
            [it.id, cx.id],
            definition="Promoters minus detractors.",
            unit="points",
            baseline_value="12.50004",  # rounded to the 4 places the column keeps
            baseline_date="2026-01-01",
            target_value=30,
            target_date="2026-12-31",
            cadence="quarterly",
        ),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    created_at = body.pop("created_at")
    assert body.pop("updated_at") == created_at
    kpi_id = body.pop("id")
    assert body == {
        "code": "NPS",
        "name": "Net promoter score",
        "definition": "Promoters minus detractors.",
        "unit": "points",
        "direction": "increase",
        "perspective": "customer",
        "baseline_value": "12.5000",
        "baseline_date": "2026-01-01",
        "target_value": "30.0000",
        "target_date": "2026-12-31",
        "cadence": "quarterly",
        "version": 1,
        "department_ids": [it.id, cx.id],
        "is_shared": True,
        "latest_measurement": None,
    }
    fetched = await client.get(f"{URL}/{kpi_id}")
    assert fetched.status_code == 200
    assert fetched.json()["department_ids"] == [it.id, cx.id]
    assert fetched.json()["target_value"] == "30.0000"


async def test_create_with_defaults_is_not_shared(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    hr = await make_department(session)
    response = await client.post(URL, json=kpi_body([hr.id]))
    assert response.status_code == 201
    body = response.json()
    assert (body["definition"], body["unit"], body["cadence"]) == ("", "", "monthly")
    assert (body["baseline_value"], body["target_value"], body["target_date"]) == (None, None, None)
    assert (body["department_ids"], body["is_shared"]) == ([hr.id], False)


async def test_get_shows_latest_measurement(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    kpi = await make_kpi(session)
    await make_measurement(session, kpi, date(2026, 3, 1), "41.5")
    await make_measurement(session, kpi, date(2026, 1, 1), "50")
    body = (await client.get(f"{URL}/{kpi.id}")).json()
    assert body["latest_measurement"] == {"measured_on": "2026-03-01", "value": "41.5000"}
    assert body["department_ids"] == []


async def test_get_missing_is_404(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get(f"{URL}/987654"), 404, "kpi_not_found", None)


async def test_duplicate_code_is_409(client: httpx.AsyncClient, session: AsyncSession) -> None:
    hr = await make_department(session)
    await make_kpi(session, code="NPS")
    response = await client.post(URL, json=kpi_body([hr.id]))
    assert_problem(response, 409, "duplicate_code", "code")


async def test_create_refuses_bad_department_lists(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    hr_id = (await make_department(session)).id
    await session.commit()
    cases = [
        ([], 422, "validation_error"),
        ([hr_id, 987654], 422, "unknown_reference"),
        ([hr_id, hr_id], 422, "duplicate_department"),
    ]
    for department_ids, status, code in cases:
        response = await client.post(URL, json=kpi_body(department_ids))
        assert_problem(response, status, code, "department_ids")
    missing = kpi_body([hr_id])
    del missing["department_ids"]
    assert_problem(await client.post(URL, json=missing), 422, "validation_error", "department_ids")


async def test_create_refuses_bad_fields(client: httpx.AsyncClient, session: AsyncSession) -> None:
    hr_id = (await make_department(session)).id
    await session.commit()
    cases = {
        "code": "has space",
        "name": "",
        "definition": "nul\x00",
        "direction": "sideways",
        "perspective": "marketing",
        "cadence": "weekly",
        "target_value": "123456789012345",
        "baseline_value": "NaN",
        "baseline_date": "yesterday",
        "unit": "u" * 41,
        "colour": "red",
    }
    for field, value in cases.items():
        response = await client.post(URL, json=kpi_body([hr_id], **{field: value}))
        assert_problem(response, 422, "validation_error", field)


# --- update / delete ----------------------------------------------------------------------


async def test_update_fields_bumps_version(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    hr = await make_department(session)
    kpi = await make_kpi(session, department_ids=[hr.id])
    response = await client.patch(
        f"{URL}/{kpi.id}",
        json={"name": "Internal mobility rate", "target_value": "35.25"},
        headers=await if_match(client, f"{URL}/{kpi.id}"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["target_value"], body["version"]) == (
        "Internal mobility rate",
        "35.2500",
        2,
    )
    assert body["department_ids"] == [hr.id]


async def test_update_replaces_department_list(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    a, b, c = [await make_department(session) for _ in range(3)]
    kpi = await make_kpi(session, department_ids=[a.id, b.id])
    response = await client.patch(
        f"{URL}/{kpi.id}",
        json={"department_ids": [c.id, a.id]},
        headers=await if_match(client, f"{URL}/{kpi.id}"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["department_ids"], body["is_shared"], body["version"]) == ([c.id, a.id], True, 2)
    again = await client.patch(
        f"{URL}/{kpi.id}",
        json={"department_ids": [c.id]},
        headers=await if_match(client, f"{URL}/{kpi.id}"),
    )
    assert (again.json()["department_ids"], again.json()["is_shared"]) == ([c.id], False)
    assert again.json()["version"] == 3


async def test_update_with_same_values_keeps_version(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    hr = await make_department(session)
    kpi = await make_kpi(session, department_ids=[hr.id], name="Same")
    response = await client.patch(
        f"{URL}/{kpi.id}",
        json={"name": "Same", "department_ids": [hr.id]},
        headers=await if_match(client, f"{URL}/{kpi.id}"),
    )
    assert response.json()["version"] == 1


async def test_update_refuses_bad_input(client: httpx.AsyncClient, session: AsyncSession) -> None:
    hr_id = (await make_department(session)).id
    await make_kpi(session, code="TAKEN")
    kpi_id = (await make_kpi(session, department_ids=[hr_id])).id
    await session.commit()
    cases = [
        ({"code": "TAKEN"}, 409, "duplicate_code", "code"),
        ({"department_ids": []}, 422, "validation_error", "department_ids"),
        ({"department_ids": None}, 422, "validation_error", "department_ids"),
        ({"department_ids": [987654]}, 422, "unknown_reference", "department_ids"),
        ({"department_ids": [hr_id, hr_id]}, 422, "duplicate_department", "department_ids"),
        ({"name": None}, 422, "validation_error", "name"),
        ({"perspective": "brand"}, 422, "validation_error", "perspective"),
        ({"id": 5}, 422, "validation_error", "id"),
    ]
    for body, status, code, field in cases:
        assert_problem(
            await client.patch(
                f"{URL}/{kpi_id}", json=body, headers=await if_match(client, f"{URL}/{kpi_id}")
            ),
            status,
            code,
            field,
        )
    assert_problem(
        await client.patch(
            f"{URL}/987654", json={}, headers=await if_match(client, f"{URL}/987654")
        ),
        404,
        "kpi_not_found",
        None,
    )


async def test_update_clears_optional_target(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    kpi = await make_kpi(session, target_value=Decimal("20"), target_date=date(2026, 12, 31))
    response = await client.patch(
        f"{URL}/{kpi.id}",
        json={"target_value": None, "target_date": None},
        headers=await if_match(client, f"{URL}/{kpi.id}"),
    )
    assert (response.json()["target_value"], response.json()["target_date"]) == (None, None)


async def test_delete(client: httpx.AsyncClient, session: AsyncSession) -> None:
    hr = await make_department(session)
    kpi = await make_kpi(session, department_ids=[hr.id])
    await make_measurement(session, kpi, date(2026, 1, 1), "1")
    response = await client.delete(
        f"{URL}/{kpi.id}", headers=await if_match(client, f"{URL}/{kpi.id}")
    )
    assert response.status_code == 204
    assert (await client.get(f"{URL}/{kpi.id}")).status_code == 404
    assert_problem(
        await client.delete(f"{URL}/{kpi.id}", headers=await if_match(client, f"{URL}/{kpi.id}")),
        404,
        "kpi_not_found",
        None,
    )


async def test_delete_linked_to_initiative_is_409(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    kpi = await make_kpi(session)
    initiative = await make_initiative(session)
    await link_kpi(session, initiative, kpi)
    kpi_id, kpi_code, initiative_id = kpi.id, kpi.code, initiative.id
    await session.commit()
    assert_problem(
        await client.delete(f"{URL}/{kpi_id}", headers=await if_match(client, f"{URL}/{kpi_id}")),
        409,
        "in_use",
        None,
    )
    kept = await client.get(f"{URL}/{kpi_id}")
    assert (kept.status_code, kept.json()["id"], kept.json()["code"]) == (200, kpi_id, kpi_code)
    links = (await client.get(f"/api/v1/initiatives/{initiative_id}/kpis")).json()["items"]
    assert [link["kpi_id"] for link in links] == [kpi_id]


# --- list ---------------------------------------------------------------------------------


async def _ids(client: httpx.AsyncClient, **params: Any) -> list[int]:
    response = await client.get(URL, params={"limit": 1000} | params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def test_list_filters(client: httpx.AsyncClient, session: AsyncSession) -> None:
    hr, it = await make_department(session), await make_department(session)
    nps = await make_kpi(
        session,
        code="ZZ-NPS",
        name="Net promoter",
        perspective="customer",
        department_ids=[it.id, hr.id],
    )
    mobility = await make_kpi(
        session,
        code="ZZ-MOB",
        name="Internal mobility",
        perspective="employee",
        department_ids=[hr.id],
    )
    orphan = await make_kpi(session, code="ZZ-ORPH", name="100% literal", perspective="employee")
    mine = {nps.id, mobility.id, orphan.id}

    async def ids(**params: Any) -> list[int]:
        return [i for i in await _ids(client, **params) if i in mine]

    assert await ids() == [nps.id, mobility.id, orphan.id]
    assert await ids(perspective="employee") == [mobility.id, orphan.id]
    assert await ids(department_id=hr.id) == [nps.id, mobility.id]
    assert await ids(department_id=it.id) == [nps.id]
    assert await ids(shared="true") == [nps.id]
    assert await ids(shared="false") == [mobility.id, orphan.id]
    assert await ids(q="zz-") == [nps.id, mobility.id, orphan.id]
    assert await ids(q="MOBIL") == [mobility.id]
    assert await ids(q="%") == [orphan.id]
    assert await ids(q="_") == []
    assert await ids(shared="true", department_id=hr.id, perspective="employee") == []


async def test_list_updated_since(client: httpx.AsyncClient, session: AsyncSession) -> None:
    kpi = await make_kpi(session)
    assert kpi.id in await _ids(client, updated_since="2000-01-01T00:00:00Z")
    assert await _ids(client, updated_since="2999-01-01T00:00:00Z") == []


async def test_list_items_carry_departments_and_latest(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    hr, it = await make_department(session), await make_department(session)
    kpi = await make_kpi(session, department_ids=[hr.id, it.id])
    await make_measurement(session, kpi, date(2026, 2, 1), "7")
    items = (await client.get(URL, params={"department_id": hr.id})).json()["items"]
    assert [(i["id"], i["department_ids"], i["is_shared"]) for i in items] == [
        (kpi.id, [hr.id, it.id], True)
    ]
    assert items[0]["latest_measurement"] == {"measured_on": "2026-02-01", "value": "7.0000"}


async def test_list_pages_without_skipping(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    made = [(await make_kpi(session)).id for _ in range(5)]
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(URL, params=params)).json()
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [i for i in seen if i in made] == made
    assert len(seen) == len(set(seen))


async def test_list_refuses_bad_params(client: httpx.AsyncClient) -> None:
    cases = [
        ({"perspective": "brand"}, "perspective"),
        ({"shared": "maybe"}, "shared"),
        ({"department_id": "hr"}, "department_id"),
        ({"updated_since": "soon"}, "updated_since"),
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"cursor": "garbage!"}, "cursor"),
        ({"q": "nps\x00"}, "q"),
    ]
    for params, field in cases:
        assert_problem(await client.get(URL, params=params), 422, "validation_error", field)


async def test_list_statement_count_does_not_grow(
    client: httpx.AsyncClient, session: AsyncSession, queries: QueryCounter
) -> None:
    departments = [(await make_department(session)).id for _ in range(3)]
    for n in range(50):
        kpi = await make_kpi(session, department_ids=departments[: 1 + n % 3])
        await make_measurement(session, kpi, date(2026, 1, 1 + n % 28), str(n))
    counts = []
    for limit in (5, 50):
        queries.reset()
        response = await client.get(URL, params={"limit": limit})
        assert len(response.json()["items"]) == limit
        counts.append(queries.count)
    assert counts[0] == counts[1] == 1


# --- measurements -------------------------------------------------------------------------


async def test_record_measurement_then_again_same_day(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    kpi = await make_kpi(session)
    person = await make_person(session)
    url = f"{URL}/{kpi.id}/measurements"
    first = await client.post(
        url,
        json={
            "measured_on": "2026-05-01",
            "value": "42.5",
            "source": "survey",
            "recorded_by_id": person.id,
        },
    )
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["kpi_id"], body["measured_on"], body["value"], body["source"]) == (
        kpi.id,
        "2026-05-01",
        "42.5000",
        "survey",
    )
    assert (body["recorded_by_id"], body["version"]) == (person.id, 1)
    second = await client.post(url, json={"measured_on": "2026-05-01", "value": "44"})
    assert second.status_code == 200, second.text
    assert (second.json()["id"], second.json()["value"], second.json()["version"]) == (
        body["id"],
        "44.0000",
        2,
    )
    assert (second.json()["source"], second.json()["recorded_by_id"]) == ("", None)
    same = await client.post(url, json={"measured_on": "2026-05-01", "value": 44.00001})
    assert (same.status_code, same.json()["version"]) == (200, 2)
    latest = (await client.get(f"{URL}/{kpi.id}")).json()["latest_measurement"]
    assert latest == {"measured_on": "2026-05-01", "value": "44.0000"}


async def test_record_measurement_refuses_bad_input(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    kpi = await make_kpi(session)
    await session.commit()
    url = f"{URL}/{kpi.id}/measurements"
    good = {"measured_on": "2026-05-01", "value": "1"}
    cases = [
        (good | {"value": "lots"}, 422, "validation_error", "value"),
        (good | {"value": "1e20"}, 422, "validation_error", "value"),
        (good | {"value": "Infinity"}, 422, "validation_error", "value"),
        (good | {"measured_on": "2026-02-30"}, 422, "validation_error", "measured_on"),
        ({"value": "1"}, 422, "validation_error", "measured_on"),
        (good | {"source": "s" * 201}, 422, "validation_error", "source"),
        (good | {"source": "nul\x00"}, 422, "validation_error", "source"),
        (good | {"recorded_by_id": 987654}, 422, "unknown_reference", "recorded_by_id"),
        (good | {"kpi_id": kpi.id}, 422, "validation_error", "kpi_id"),
    ]
    for body, status, code, field in cases:
        assert_problem(await client.post(url, json=body), status, code, field)
    missing = await client.post(f"{URL}/987654/measurements", json=good)
    assert_problem(missing, 404, "kpi_not_found", None)


async def test_list_measurements_filters_and_pages(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    kpi = await make_kpi(session)
    other = await make_kpi(session)
    await make_measurement(session, other, date(2026, 1, 1), "9")
    made = [
        (await make_measurement(session, kpi, date(2026, month, 1), str(month))).id
        for month in (3, 1, 2, 4)
    ]
    url = f"{URL}/{kpi.id}/measurements"
    everything = (await client.get(url)).json()
    assert [m["id"] for m in everything["items"]] == made
    assert everything["next_cursor"] is None
    window = (await client.get(url, params={"from": "2026-02-01", "to": "2026-03-01"})).json()
    assert [m["measured_on"] for m in window["items"]] == ["2026-03-01", "2026-02-01"]
    first = (await client.get(url, params={"limit": 3})).json()
    rest = (await client.get(url, params={"limit": 3, "cursor": first["next_cursor"]})).json()
    assert [m["id"] for m in first["items"] + rest["items"]] == made
    assert rest["next_cursor"] is None
    later = (await client.get(url, params={"updated_since": "2999-01-01T00:00:00Z"})).json()
    assert later["items"] == []


async def test_list_measurements_refuses_bad_params(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    kpi = await make_kpi(session)
    await session.commit()
    url = f"{URL}/{kpi.id}/measurements"
    assert_problem(await client.get(url, params={"from": "May"}), 422, "validation_error", "from")
    assert_problem(
        await client.get(url, params={"to": "2026-13-01"}), 422, "validation_error", "to"
    )
    reversed_range = {"from": "2026-02-01", "to": "2026-01-01"}
    assert_problem(await client.get(url, params=reversed_range), 422, "invalid_range", "to")
    assert_problem(await client.get(url, params={"cursor": "x"}), 422, "validation_error", "cursor")
    missing = await client.get(f"{URL}/987654/measurements")
    assert_problem(missing, 404, "kpi_not_found", None)


# --- bulk ---------------------------------------------------------------------------------


async def test_bulk_creates_and_updates(client: httpx.AsyncClient, session: AsyncSession) -> None:
    kpi = await make_kpi(session)
    kept = await make_measurement(session, kpi, date(2026, 1, 1), "10")
    changed = await make_measurement(session, kpi, date(2026, 2, 1), "20")
    items = [
        {"measured_on": "2026-01-01", "value": "10.0"},
        {"measured_on": "2026-02-01", "value": "21", "source": "erp"},
        {"measured_on": "2026-03-01", "value": "30"},
        {"measured_on": "2026-04-01", "value": "40"},
    ]
    response = await client.post(f"{URL}/{kpi.id}/measurements/bulk", json={"items": items})
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 2, "updated": 1, "unchanged": 1}
    rows = (await client.get(f"{URL}/{kpi.id}/measurements")).json()["items"]
    assert [(r["measured_on"], r["value"], r["source"], r["version"]) for r in rows] == [
        ("2026-01-01", "10.0000", "", 1),
        ("2026-02-01", "21.0000", "erp", 2),
        ("2026-03-01", "30.0000", "", 1),
        ("2026-04-01", "40.0000", "", 1),
    ]
    assert [rows[0]["id"], rows[1]["id"]] == [kept.id, changed.id]


async def test_bulk_refuses_a_bad_row_and_writes_nothing(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    kpi_id = (await make_kpi(session)).id
    person_id = (await make_person(session)).id
    url = f"{URL}/{kpi_id}/measurements/bulk"
    items = [
        {"measured_on": f"2026-01-{day:02d}", "value": str(day), "recorded_by_id": person_id}
        for day in range(1, 21)
    ]
    await session.commit()
    cases = [
        (17, {"value": "abc"}, "validation_error", "items.17.value"),
        (3, {"measured_on": "2026-01-01"}, "duplicate_date", "items.3.measured_on"),
        (5, {"recorded_by_id": 987654}, "unknown_reference", "items.5.recorded_by_id"),
        (9, {"extra": 1}, "validation_error", "items.9.extra"),
    ]
    for index, change, code, field in cases:
        bad = [dict(item) for item in items]
        bad[index] |= change
        assert_problem(await client.post(url, json={"items": bad}), 422, code, field)
    assert (await client.get(f"{URL}/{kpi_id}/measurements")).json()["items"] == []
    assert_problem(await client.post(url, json={}), 422, "validation_error", "items")
    missing = await client.post(f"{URL}/987654/measurements/bulk", json={"items": items})
    assert_problem(missing, 404, "kpi_not_found", None)


async def test_bulk_of_nothing_writes_nothing(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    kpi = await make_kpi(session)
    response = await client.post(f"{URL}/{kpi.id}/measurements/bulk", json={"items": []})
    assert response.json() == {"created": 0, "updated": 0, "unchanged": 0}


def _days(count: int, value: str = "1") -> list[dict[str, str]]:
    start = date(1990, 1, 1).toordinal()  # 10,000 days later is still in the past
    return [
        {"measured_on": date.fromordinal(start + n).isoformat(), "value": value}
        for n in range(count)
    ]


async def test_bulk_over_10000_is_refused(client: httpx.AsyncClient, session: AsyncSession) -> None:
    kpi = await make_kpi(session)
    await session.commit()
    response = await client.post(f"{URL}/{kpi.id}/measurements/bulk", json={"items": _days(10_001)})
    assert_problem(response, 422, "validation_error", "items")
    assert (await client.get(f"{URL}/{kpi.id}/measurements")).json()["items"] == []


async def test_bulk_of_10000_in_one_statement(
    client: httpx.AsyncClient, session: AsyncSession, queries: QueryCounter
) -> None:
    kpi = await make_kpi(session)
    url = f"{URL}/{kpi.id}/measurements/bulk"
    queries.reset()
    response = await client.post(url, json={"items": _days(10_000)})
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 10_000, "updated": 0, "unchanged": 0}
    upserts = [s for s in queries.statements if "ON CONFLICT" in s]
    assert len(upserts) == 1
    resync = _days(5_000, value="2") + _days(10_000)[5_000:]
    again = await client.post(url, json={"items": resync})
    assert again.json() == {"created": 0, "updated": 5_000, "unchanged": 5_000}
    page = (await client.get(f"{URL}/{kpi.id}/measurements", params={"limit": 1000})).json()
    assert {(m["value"], m["version"]) for m in page["items"]} == {("2.0000", 2)}


# --- drivers ------------------------------------------------------------------------------


async def test_drivers_lists_both_directions(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    nps = await make_kpi(session, perspective="customer")
    tooling = await make_kpi(session, perspective="employee")
    handling = await make_kpi(session, perspective="operations")
    revenue = await make_kpi(session, perspective="financial")
    await make_driver(session, tooling, nps)
    await make_driver(session, handling, nps)
    await make_driver(session, nps, revenue)
    body = (await client.get(f"{URL}/{nps.id}/drivers")).json()

    def ref(kpi: Any) -> dict[str, Any]:
        return {"id": kpi.id, "code": kpi.code, "name": kpi.name, "perspective": kpi.perspective}

    assert body == {"drivers": [ref(tooling), ref(handling)], "driven": [ref(revenue)]}
    assert (await client.get(f"{URL}/{revenue.id}/drivers")).json() == {
        "drivers": [ref(nps)],
        "driven": [],
    }
    assert_problem(await client.get(f"{URL}/987654/drivers"), 404, "kpi_not_found", None)


async def test_add_then_remove_driver(client: httpx.AsyncClient, session: AsyncSession) -> None:
    nps, tooling = await make_kpi(session), await make_kpi(session)
    response = await client.post(f"{URL}/{nps.id}/drivers", json={"driver_kpi_id": tooling.id})
    assert response.status_code == 201, response.text
    assert (response.json()["driver_kpi_id"], response.json()["driven_kpi_id"]) == (
        tooling.id,
        nps.id,
    )
    drivers = (await client.get(f"{URL}/{nps.id}/drivers")).json()["drivers"]
    assert [d["id"] for d in drivers] == [tooling.id]
    removed = await client.delete(f"{URL}/{nps.id}/drivers/{tooling.id}")
    assert removed.status_code == 204
    assert (await client.get(f"{URL}/{nps.id}/drivers")).json()["drivers"] == []
    again = await client.delete(f"{URL}/{nps.id}/drivers/{tooling.id}")
    assert_problem(again, 404, "kpi_driver_not_found", None)


async def test_add_driver_refuses_bad_input(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    nps, tooling = await make_kpi(session), await make_kpi(session)
    await make_driver(session, tooling, nps)
    nps_id, tooling_id = nps.id, tooling.id
    await session.commit()
    url = f"{URL}/{nps_id}/drivers"
    cases = [
        ({"driver_kpi_id": nps_id}, 422, "self_driver", "driver_kpi_id"),
        ({"driver_kpi_id": tooling_id}, 409, "duplicate_driver", "driver_kpi_id"),
        ({"driver_kpi_id": 987654}, 422, "unknown_reference", "driver_kpi_id"),
        ({"driver_kpi_id": "x"}, 422, "validation_error", "driver_kpi_id"),
        ({}, 422, "validation_error", "driver_kpi_id"),
    ]
    for body, status, code, field in cases:
        assert_problem(await client.post(url, json=body), status, code, field)
    missing = await client.post(f"{URL}/987654/drivers", json={"driver_kpi_id": nps_id})
    assert_problem(missing, 404, "kpi_not_found", None)
    gone = await client.delete(f"{URL}/987654/drivers/{nps_id}")
    assert_problem(gone, 404, "kpi_not_found", None)
