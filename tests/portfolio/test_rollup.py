"""Reporting-line roll-ups on a four-level tree (a person without reports, an inactive owner)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Person
from service.portfolio import service
from tests.factories import make_department, make_initiative, make_person

TODAY = date(2026, 11, 23)


@dataclass
class Tree:
    ceo: Person
    vp: Person
    vp2: Person
    manager: Person
    lead: Person
    gone: Person


async def build_tree(session: AsyncSession) -> Tree:
    """ceo > vp > manager > lead (four levels); ceo > vp2 (no reports); manager > gone."""
    it = await make_department(session, code="it", name="IT")
    marketing = await make_department(session, code="marketing", name="Marketing")

    async def person(name: str, manager: Person | None, active: bool = True) -> Person:
        return await make_person(
            session,
            name=name,
            department_id=it.id,
            manager_id=manager.id if manager else None,
            is_active=active,
        )

    ceo = await person("Ceo", None)
    vp = await person("Vera", ceo)
    vp2 = await person("Victor", ceo)
    manager = await person("Mona", vp)
    lead = await person("Leo", manager)
    gone = await person("Gus", manager, active=False)
    recent = TODAY - timedelta(days=5)

    async def initiative(
        code: str, owner: Person, orientation: str, budget: int, **kw: object
    ) -> None:
        department_id = marketing.id if code == "INI-A" else it.id
        await make_initiative(
            session,
            code=code,
            owner_id=owner.id,
            department_id=department_id,
            orientation=orientation,
            budget_planned=budget,
            start_date=recent,
            **kw,
        )

    await initiative("INI-A", ceo, "client_facing", 100)
    await initiative("INI-B", vp, "internal", 100)
    await initiative("INI-C", manager, "hybrid", 200)
    await initiative("INI-D", lead, "client_facing", 100)
    await initiative("INI-E", gone, "internal", 300)
    await initiative("INI-F", vp2, "client_facing", 50)
    await initiative("INI-G", lead, "client_facing", 900, status="done")
    return Tree(ceo, vp, vp2, manager, lead, gone)


async def test_balance_of_each_line(session: AsyncSession) -> None:
    tree = await build_tree(session)
    expected = {
        tree.ceo.id: (Decimal("0.4118"), Decimal("850.00"), 6),  # 350 / 850
        tree.vp.id: (Decimal("0.2857"), Decimal("700.00"), 4),  # 200 / 700
        tree.manager.id: (Decimal("0.3333"), Decimal("600.00"), 3),  # 200 / 600
        tree.lead.id: (Decimal("1.0000"), Decimal("100.00"), 1),
        tree.vp2.id: (Decimal("1.0000"), Decimal("50.00"), 1),
        tree.gone.id: (Decimal("0.0000"), Decimal("300.00"), 1),
    }
    for person_id, figures in expected.items():
        balance = await service.compute_balance(session, owner_line=person_id)
        assert (balance.client_share, balance.total_weight, balance.initiative_count) == figures


async def test_person_portfolio_lists_the_line(session: AsyncSession) -> None:
    tree = await build_tree(session)
    result = await service.person_portfolio(session, tree.vp.id, today=TODAY)
    assert (result.person.name, result.person.department_code) == ("Vera", "it")
    assert (result.line_size, result.initiative_total) == (4, 5)
    assert [(i.code, i.owner_name, i.owner_depth) for i in result.initiatives] == [
        ("INI-B", "Vera", 0),
        ("INI-C", "Mona", 1),
        ("INI-D", "Leo", 2),
        ("INI-E", "Gus", 2),
        ("INI-G", "Leo", 2),
    ]
    assert result.balance.client_share == Decimal("0.2857")
    assert result.next_cursor is None
    counts = {code: n for code, n in result.flag_counts.items() if n}
    assert counts == {"OWNER_INACTIVE": 1, "MISSING_ENABLER": 1, "NO_KPI": 4}


async def test_person_without_reports(session: AsyncSession) -> None:
    tree = await build_tree(session)
    result = await service.person_portfolio(session, tree.vp2.id, today=TODAY)
    assert (result.line_size, result.initiative_total) == (1, 1)
    assert [i.code for i in result.initiatives] == ["INI-F"]
    counts = {code: n for code, n in result.flag_counts.items() if n}
    assert counts == {
        "PORTFOLIO_CLIENT_SKEW": 1,
        "DEPARTMENT_CLIENT_SKEW": 1,
        "MISSING_ENABLER": 1,
        "NO_KPI": 1,
    }


async def test_inactive_owner_line(session: AsyncSession) -> None:
    tree = await build_tree(session)
    result = await service.person_portfolio(session, tree.gone.id, today=TODAY)
    assert result.person.is_active is False
    assert [i.code for i in result.initiatives] == ["INI-E"]
    assert result.flag_counts["OWNER_INACTIVE"] == 1


async def test_owner_line_on_flags_names_the_line(session: AsyncSession) -> None:
    tree = await build_tree(session)
    result = await service.list_flags(session, owner_line=tree.lead.id, today=TODAY)
    assert [(f.code, f.entity_code) for f in result.items] == [
        ("MISSING_ENABLER", "INI-D"),
        ("PORTFOLIO_CLIENT_SKEW", None),
        ("DEPARTMENT_CLIENT_SKEW", "it"),
        ("NO_KPI", "INI-D"),
    ]
    assert result.items[1].message == (
        "Client-facing work is 100.0% of the active budget of Leo's reporting line"
        " (band: at most 60.0%)."
    )


async def test_route_pages_the_line(client: httpx.AsyncClient, session: AsyncSession) -> None:
    tree = await build_tree(session)
    url = f"/api/v1/people/{tree.ceo.id}/portfolio"
    first = (await client.get(url, params={"limit": 4})).json()
    assert [i["code"] for i in first["initiatives"]] == ["INI-A", "INI-B", "INI-C", "INI-D"]
    second = (await client.get(url, params={"limit": 4, "cursor": first["next_cursor"]})).json()
    assert [i["code"] for i in second["initiatives"]] == ["INI-E", "INI-F", "INI-G"]
    assert second["next_cursor"] is None
    assert first["balance"]["client_share"] == 0.4118
    assert first["person"] == {
        "id": tree.ceo.id,
        "name": "Ceo",
        "title": "Manager",
        "department_code": "it",
        "is_active": True,
    }


async def test_route_unknown_person_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/people/424242/portfolio")
    assert response.status_code == 404
    assert response.json()["code"] == "person_not_found"


async def test_balance_route_owner_line(client: httpx.AsyncClient, session: AsyncSession) -> None:
    tree = await build_tree(session)
    body = (
        await client.get("/api/v1/portfolio/balance", params={"owner_line": tree.manager.id})
    ).json()
    assert (body["client_share"], body["total_weight"], body["initiative_count"]) == (
        0.3333,
        "600.00",
        3,
    )
