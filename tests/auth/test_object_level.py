"""An HR head cannot change a marketing initiative by any path: REST, GraphQL, the pages,
or a direct service call (what the command line and imports use)."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import AuditEvent, Initiative, InitiativeKpi, InitiativeLink, ProgressUpdate
from service.auth import sessions
from service.auth.accounts import actor_for
from service.errors import Forbidden
from service.graphql.ids import encode_id
from service.initiatives import checkins, links
from service.initiatives import service as initiatives
from service.initiatives.payloads import (
    CheckInCreate,
    InitiativeCreate,
    InitiativeUpdate,
    KpiLinkPut,
    LinkCreate,
)
from tests.auth.helpers import bearer, signed_in
from tests.factories import (
    link_initiatives,
    link_kpi,
    make_account,
    make_department,
    make_initiative,
    make_kpi,
    make_person,
    make_token,
)

API = "/api/v1/initiatives"


@dataclass
class Scene:
    marketing: int
    hr: int
    target: int  # the marketing initiative
    other_target: int  # another marketing initiative
    own: int  # an HR initiative
    kpi: int
    other_kpi: int
    link: int  # marketing -> HR
    head_account: int
    token: str
    cookie: str


@pytest.fixture
async def scene(session: AsyncSession, secured_app: Any) -> Scene:
    marketing = await make_department(session, code="marketing")
    hr = await make_department(session, code="hr")
    hr_head = await make_person(session, department_id=hr.id)
    target = await make_initiative(session, department_id=marketing.id, status="proposed")
    other_target = await make_initiative(session, department_id=marketing.id)
    own = await make_initiative(session, department_id=hr.id, owner_id=hr_head.id)
    kpi, other_kpi = await make_kpi(session), await make_kpi(session)
    await link_kpi(session, target, kpi)
    link = await link_initiatives(session, target, own)
    head = await make_account(session, "department_head", department_id=hr.id, person_id=hr_head.id)
    cookie, _ = await signed_in(session, secured_app, head.id)
    built = Scene(
        marketing.id,
        hr.id,
        target.id,
        other_target.id,
        own.id,
        kpi.id,
        other_kpi.id,
        link.id,
        head.id,
        await make_token(session, head),
        cookie,
    )  # type: ignore[arg-type]
    await session.commit()  # keep the scene when the refused requests roll back
    return built


async def _untouched(session: AsyncSession, scene: Scene) -> None:
    session.expunge_all()
    target = await session.get(Initiative, scene.target)
    assert target is not None
    assert (target.version, target.status, target.department_id) == (1, "proposed", scene.marketing)
    kpi_links = select(func.count()).select_from(InitiativeKpi)
    assert await session.scalar(kpi_links.where(InitiativeKpi.initiative_id == scene.target)) == 1  # type: ignore[arg-type]
    assert await session.scalar(select(func.count()).select_from(InitiativeLink)) == 1
    assert await session.scalar(select(func.count()).select_from(ProgressUpdate)) == 0
    assert await session.scalar(select(func.count()).select_from(AuditEvent)) == 0


async def test_not_through_rest(
    anon: httpx.AsyncClient, session: AsyncSession, scene: Scene
) -> None:
    auth = bearer(scene.token)
    at = f"{API}/{scene.target}"
    attempts = [
        ("PATCH", at, {"title": "Hijacked"}),
        ("PATCH", at, {"status": "approved"}),
        ("PATCH", at, {"department_id": scene.hr}),
        ("DELETE", at, None),
        ("PUT", f"{at}/kpis/{scene.other_kpi}", {"weight": "0.5"}),
        ("DELETE", f"{at}/kpis/{scene.kpi}", None),
        ("POST", f"{at}/links", {"kind": "depends_on", "to_id": scene.other_target}),
        ("POST", f"{API}/{scene.own}/links", {"kind": "enables", "to_id": scene.target}),
        ("DELETE", f"{API}/{scene.own}/links/{scene.link}", None),
        ("POST", f"{at}/updates", {"percent_complete": 5, "health": "red", "summary": "x"}),
        (
            "POST",
            API,
            {
                "code": "INI-HR",
                "title": "In marketing",
                "orientation": "internal",
                "department_id": scene.marketing,
                "owner_id": 1,
            },
        ),
    ]
    for method, url, body in attempts:
        headers = auth | {"If-Match": '"1"'}
        response = await anon.request(method, url, json=body, headers=headers)
        assert (response.status_code, response.json()["code"]) == (403, "forbidden"), (method, url)
    await _untouched(session, scene)


async def test_not_through_graphql(
    anon: httpx.AsyncClient, session: AsyncSession, scene: Scene
) -> None:
    target = encode_id("Initiative", scene.target)
    mutations = [
        f'mutation {{ updateInitiative(id: "{target}", expectedVersion: 1,'
        ' input: {title: "Hijacked"}) { id } }',
        f'mutation {{ transitionInitiative(id: "{target}", expectedVersion: 1,'
        " status: approved) { id } }",
        f'mutation {{ linkInitiativeKpi(initiativeId: "{target}",'
        f' kpiId: "{encode_id("Kpi", scene.other_kpi)}") {{ created }} }}',
        f'mutation {{ recordProgressUpdate(input: {{initiativeId: "{target}",'
        ' percentComplete: 5, health: red, summary: "x"}) { id } }',
    ]
    for query in mutations:
        response = await anon.post("/graphql", json={"query": query}, headers=bearer(scene.token))
        assert response.json()["errors"][0]["extensions"]["code"] == "forbidden", query
    await _untouched(session, scene)


async def test_not_through_the_pages(
    anon: httpx.AsyncClient, session: AsyncSession, scene: Scene, secured_app: Any
) -> None:
    anon.cookies.set(sessions.SESSION_COOKIE, scene.cookie)
    key = secured_app.state.settings.secret_key
    csrf = {sessions.CSRF_FIELD: sessions.csrf_token(scene.cookie, key)}
    at = f"/initiatives/{scene.target}"
    forms = [
        (f"{at}/edit", {"title": "Hijacked", "version": "1"}),
        (f"{at}/status", {"status": "approved", "version": "1"}),
        (f"{at}/checkins/new", {"percent_complete": "5", "health": "red", "summary": "x"}),
    ]
    for url, form in forms:
        response = await anon.post(url, data=csrf | form)
        assert response.status_code == 403, url
    await _untouched(session, scene)


async def test_not_through_the_services(session: AsyncSession, scene: Scene) -> None:
    account = await make_account(session, "department_head", department_id=scene.hr)
    actor = actor_for(account)
    calls: list[Callable[[], Awaitable[Any]]] = [
        lambda: initiatives.update_initiative(
            session, actor, scene.target, InitiativeUpdate(title="Hijacked")
        ),
        lambda: initiatives.delete_initiative(session, actor, scene.target),
        lambda: links.put_kpi_link(session, actor, scene.target, scene.other_kpi, KpiLinkPut()),
        lambda: links.delete_kpi_link(session, actor, scene.target, scene.kpi),
        lambda: links.create_link(
            session, actor, scene.own, LinkCreate(kind="enables", to_id=scene.target)
        ),
        lambda: links.delete_link(session, actor, scene.own, scene.link),
        lambda: checkins.create_checkin(
            session,
            actor,
            scene.target,
            CheckInCreate(percent_complete=5, health="red", summary="x"),
        ),
        lambda: initiatives.create_initiative(
            session,
            actor,
            InitiativeCreate(
                code="INI-X",
                title="X",
                orientation="internal",
                department_id=scene.marketing,
                owner_id=1,
            ),
        ),
    ]
    for call in calls:
        with pytest.raises(Forbidden):
            await call()
    await _untouched(session, scene)


async def test_the_same_head_may_change_their_own_department(
    anon: httpx.AsyncClient, scene: Scene
) -> None:
    headers = bearer(scene.token) | {"If-Match": '"1"'}
    own = f"{API}/{scene.own}"
    assert (await anon.patch(own, json={"title": "Ours"}, headers=headers)).status_code == 200
    headers |= {"If-Match": '"2"'}
    moved = await anon.patch(own, json={"department_id": scene.marketing}, headers=headers)
    assert moved.status_code == 403  # not into another department either


@pytest.mark.parametrize(
    ("role", "reason"),
    [
        ("viewer", "This account reads only."),
        ("contributor", "A contributor posts check-ins on the initiatives they own."),
        ("department_head", "A department head writes only for their own department."),
    ],
)
async def test_each_refused_role_is_told_its_own_rule(
    anon: httpx.AsyncClient, session: AsyncSession, scene: Scene, role: str, reason: str
) -> None:
    person = await make_person(session, department_id=scene.hr)
    account = await make_account(session, role, department_id=scene.hr, person_id=person.id)
    auth, email = bearer(await make_token(session, account)), account.email
    await session.commit()  # keep the account when the refused request rolls back
    body = {"percent_complete": 5, "health": "red", "summary": "x"}
    response = await anon.post(f"{API}/{scene.target}/updates", json=body, headers=auth)
    assert (response.status_code, response.json()["code"], response.json()["detail"]) == (
        403,
        "forbidden",
        f"{email} ({role}) may not post a check-in on this initiative. {reason}",
    )
    await _untouched(session, scene)
