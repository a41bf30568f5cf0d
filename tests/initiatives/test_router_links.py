"""REST: /api/v1/initiatives/{id}/kpis and /api/v1/initiatives/{id}/links."""

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import link_initiatives, link_kpi, make_initiative, make_kpi
from tests.initiatives.helpers import API, id_of, problem


def strip(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in ("id", "created_at", "updated_at")}


# --- KPI contributions ----------------------------------------------------------------


async def test_put_creates_then_updates_a_kpi_link(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session)
    kpi = await make_kpi(session, code="NPS", name="Net promoter score")
    url = f"{API}/{initiative.id}/kpis/{kpi.id}"
    created = await client.put(url, json={"weight": "0.4", "rationale": "Faster answers."})
    assert created.status_code == 201
    assert strip(created.json()) == {
        "initiative_id": initiative.id,
        "kpi_id": kpi.id,
        "kpi_code": "NPS",
        "kpi_name": "Net promoter score",
        "weight": "0.4000",
        "rationale": "Faster answers.",
        "version": 1,
    }
    updated = await client.put(url, json={"weight": 0.6, "rationale": "Fewer re-keyings."})
    assert updated.status_code == 200
    assert updated.json()["id"] == created.json()["id"]
    assert (updated.json()["weight"], updated.json()["rationale"]) == (
        "0.6000",
        "Fewer re-keyings.",
    )
    assert updated.json()["version"] == 2


async def test_put_defaults_weight_to_one(client: httpx.AsyncClient, session: AsyncSession) -> None:
    initiative = await make_initiative(session)
    kpi = await make_kpi(session)
    response = await client.put(f"{API}/{initiative.id}/kpis/{kpi.id}", json={})
    assert (response.status_code, response.json()["weight"], response.json()["rationale"]) == (
        201,
        "1.0000",
        "",
    )


async def test_list_kpi_links(client: httpx.AsyncClient, session: AsyncSession) -> None:
    initiative = await make_initiative(session)
    other = await make_initiative(session)
    first = await make_kpi(session, code="STOCKOUT", name="Stock-out rate")
    second = await make_kpi(session, code="EX", name="Employee satisfaction")
    await link_kpi(session, initiative, first, weight="0.25")
    await link_kpi(session, initiative, second)
    await link_kpi(session, other, first)
    response = await client.get(f"{API}/{initiative.id}/kpis")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["kpi_id"], i["kpi_code"], i["kpi_name"], i["weight"]) for i in items] == [
        (first.id, "STOCKOUT", "Stock-out rate", "0.2500"),
        (second.id, "EX", "Employee satisfaction", "1.0000"),
    ]
    assert response.json()["next_cursor"] is None
    page = (await client.get(f"{API}/{initiative.id}/kpis", params={"limit": 1})).json()
    assert [i["kpi_id"] for i in page["items"]] == [first.id]
    rest = await client.get(f"{API}/{initiative.id}/kpis", params={"cursor": page["next_cursor"]})
    assert [i["kpi_id"] for i in rest.json()["items"]] == [second.id]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weight": "1.5"}, "weight"),
        ({"weight": -0.1}, "weight"),
        ({"weight": "0.12345"}, "weight"),
        ({"weight": "heavy"}, "weight"),
        ({"weight": 0.5, "kpi_id": 3}, "kpi_id"),
    ],
)
async def test_put_bad_body_is_422(
    client: httpx.AsyncClient, session: AsyncSession, body: dict[str, Any], field: str
) -> None:
    initiative = await make_initiative(session)
    kpi = await make_kpi(session)
    response = await client.put(f"{API}/{initiative.id}/kpis/{kpi.id}", json=body)
    assert problem(response) == (422, "validation_error", field)


async def test_put_unknown_kpi_or_initiative_is_404(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session)
    kpi = await make_kpi(session)
    initiative_id, kpi_id = initiative.id, kpi.id
    await session.commit()  # keep the rows when the refused requests roll back
    response = await client.put(f"{API}/{initiative_id}/kpis/987654", json={"weight": 1})
    assert problem(response) == (404, "kpi_not_found", None)
    response = await client.put(f"{API}/987654/kpis/{kpi_id}", json={"weight": 1})
    assert problem(response) == (404, "initiative_not_found", None)


async def test_delete_kpi_link(client: httpx.AsyncClient, session: AsyncSession) -> None:
    initiative = await make_initiative(session)
    kpi = await make_kpi(session)
    await link_kpi(session, initiative, kpi)
    response = await client.delete(f"{API}/{initiative.id}/kpis/{kpi.id}")
    assert response.status_code == 204
    assert (await client.get(f"{API}/{initiative.id}/kpis")).json()["items"] == []
    again = await client.delete(f"{API}/{initiative.id}/kpis/{kpi.id}")
    assert problem(again) == (404, "link_not_found", None)


async def test_kpi_links_of_missing_initiative_are_404(client: httpx.AsyncClient) -> None:
    assert problem(await client.get(f"{API}/987654/kpis")) == (404, "initiative_not_found", None)
    response = await client.delete(f"{API}/987654/kpis/1")
    assert problem(response) == (404, "initiative_not_found", None)


# --- links between initiatives ----------------------------------------------------------


async def test_create_link(client: httpx.AsyncClient, session: AsyncSession) -> None:
    enabler = await make_initiative(session, orientation="internal")
    promise = await make_initiative(session, orientation="client_facing")
    response = await client.post(
        f"{API}/{enabler.id}/links", json={"kind": "enables", "to_id": promise.id}
    )
    assert response.status_code == 201
    assert strip(response.json()) == {
        "from_id": enabler.id,
        "kind": "enables",
        "to_id": promise.id,
        "version": 1,
    }


async def test_list_links_in_both_directions(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    a = await make_initiative(session)
    b = await make_initiative(session)
    c = await make_initiative(session)
    ab = await link_initiatives(session, a, b, "enables")
    cb = await link_initiatives(session, c, b, "depends_on")
    ca = await link_initiatives(session, c, a, "enables")

    async def listed(initiative_id: int) -> list[tuple[int, int, str, int]]:
        response = await client.get(f"{API}/{initiative_id}/links")
        assert response.status_code == 200
        return [(i["id"], i["from_id"], i["kind"], i["to_id"]) for i in response.json()["items"]]

    assert await listed(id_of(b)) == [
        (ab.id, a.id, "enables", b.id),
        (cb.id, c.id, "depends_on", b.id),
    ]
    assert await listed(id_of(a)) == [
        (ab.id, a.id, "enables", b.id),
        (ca.id, c.id, "enables", a.id),
    ]


async def test_self_link_is_422(client: httpx.AsyncClient, session: AsyncSession) -> None:
    a = await make_initiative(session)
    response = await client.post(f"{API}/{a.id}/links", json={"kind": "enables", "to_id": a.id})
    assert problem(response) == (422, "self_link", "to_id")


async def test_duplicate_link_is_409(client: httpx.AsyncClient, session: AsyncSession) -> None:
    a = await make_initiative(session)
    b = await make_initiative(session)
    await link_initiatives(session, a, b, "depends_on")
    response = await client.post(f"{API}/{a.id}/links", json={"kind": "depends_on", "to_id": b.id})
    assert problem(response) == (409, "duplicate_link", "to_id")


async def test_same_pair_with_other_kind_is_fine(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    a = await make_initiative(session)
    b = await make_initiative(session)
    existing = await link_initiatives(session, a, b, "depends_on")
    response = await client.post(f"{API}/{a.id}/links", json={"kind": "enables", "to_id": b.id})
    assert response.status_code == 201
    assert strip(response.json()) == {
        "from_id": a.id,
        "kind": "enables",
        "to_id": b.id,
        "version": 1,
    }
    listed = (await client.get(f"{API}/{a.id}/links")).json()["items"]
    assert [(i["id"], i["kind"]) for i in listed] == [
        (existing.id, "depends_on"),
        (response.json()["id"], "enables"),
    ]


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"kind": "enables", "to_id": 987654}, 422, "unknown_reference", "to_id"),
        ({"kind": "blocks", "to_id": 1}, 422, "validation_error", "kind"),
        ({"kind": "enables"}, 422, "validation_error", "to_id"),
        ({"kind": "enables", "to_id": 1, "from_id": 2}, 422, "validation_error", "from_id"),
    ],
)
async def test_create_link_bad_input(
    client: httpx.AsyncClient,
    session: AsyncSession,
    body: dict[str, Any],
    status: int,
    code: str,
    field: str,
) -> None:
    a = await make_initiative(session)
    assert problem(await client.post(f"{API}/{a.id}/links", json=body)) == (status, code, field)


async def test_link_from_missing_initiative_is_404(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    b = await make_initiative(session)
    response = await client.post(f"{API}/987654/links", json={"kind": "enables", "to_id": b.id})
    assert problem(response) == (404, "initiative_not_found", None)


async def test_delete_link_from_either_end(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    a = await make_initiative(session)
    b = await make_initiative(session)
    first = await link_initiatives(session, a, b, "enables")
    second = await link_initiatives(session, a, b, "depends_on")
    first_id, second_id = first.id, second.id
    assert (await client.delete(f"{API}/{a.id}/links/{first_id}")).status_code == 204
    assert (await client.delete(f"{API}/{b.id}/links/{second_id}")).status_code == 204
    assert (await client.get(f"{API}/{a.id}/links")).json()["items"] == []


async def test_delete_link_of_another_initiative_is_404(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    a = await make_initiative(session)
    b = await make_initiative(session)
    c = await make_initiative(session)
    link = await link_initiatives(session, a, b)
    a_id, c_id, link_id = a.id, c.id, link.id
    await session.commit()  # keep the rows when the refused requests roll back
    response = await client.delete(f"{API}/{c_id}/links/{link_id}")
    assert problem(response) == (404, "link_not_found", None)
    response = await client.delete(f"{API}/{a_id}/links/987654")
    assert problem(response) == (404, "link_not_found", None)
