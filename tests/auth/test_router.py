"""REST: /api/v1/auth (me, tokens) and /api/v1/accounts."""

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Account, ApiToken, AuditEvent
from service.auth import tokens
from tests.auth.helpers import bearer
from tests.factories import make_account, make_department, make_token


async def test_me_names_the_token_account(anon: httpx.AsyncClient, session: AsyncSession) -> None:
    account = await make_account(session, "viewer")
    response = await anon.get("/api/v1/auth/me", headers=bearer(await make_token(session, account)))
    assert response.status_code == 200
    assert (response.json()["email"], response.json()["role"]) == (account.email, "viewer")


async def test_a_token_is_shown_once_and_stored_hashed(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer")
    auth = bearer(await make_token(session, account))
    created = await anon.post("/api/v1/auth/tokens", json={"name": "grafana"}, headers=auth)
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("cdo_")
    assert body["prefix"] == body["token"][:12]
    stored = await session.get(ApiToken, body["id"])
    assert stored is not None and stored.token_hash == tokens.hash_token(body["token"])
    listed = (await anon.get("/api/v1/auth/tokens", headers=auth)).json()
    assert [t["name"] for t in listed] == ["", "grafana"]
    assert all("token" not in t for t in listed)
    assert (await anon.get("/api/v1/auth/me", headers=bearer(body["token"]))).status_code == 200


async def test_revoking_a_token_stops_it(anon: httpx.AsyncClient, session: AsyncSession) -> None:
    account = await make_account(session, "viewer")
    keep, drop = await make_token(session, account), await make_token(session, account)
    drop_id = await session.scalar(
        select(ApiToken.id).where(ApiToken.token_hash == tokens.hash_token(drop))
    )
    response = await anon.delete(f"/api/v1/auth/tokens/{drop_id}", headers=bearer(keep))
    assert response.status_code == 204
    assert (await anon.get("/api/v1/auth/me", headers=bearer(drop))).status_code == 401
    assert (await anon.get("/api/v1/auth/me", headers=bearer(keep))).status_code == 200


async def test_nobody_revokes_someone_elses_token_but_the_cdo_office(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    victim = await make_token(session, await make_account(session, "viewer"))
    victim_id = await session.scalar(
        select(ApiToken.id).where(ApiToken.token_hash == tokens.hash_token(victim))
    )
    other = bearer(await make_token(session, await make_account(session, "viewer")))
    cdo = bearer(await make_token(session, await make_account(session, "cdo_office")))
    await session.commit()  # keep the setup when a refused request rolls back
    assert (await anon.delete(f"/api/v1/auth/tokens/{victim_id}", headers=other)).status_code == 403
    assert (await anon.delete(f"/api/v1/auth/tokens/{victim_id}", headers=cdo)).status_code == 204


async def test_the_cdo_office_creates_and_disables_accounts(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    department = await make_department(session)
    cdo = bearer(await make_token(session, await make_account(session, "cdo_office")))
    created = await anon.post(
        "/api/v1/accounts",
        json={
            "email": "Head@Example.com",
            "role": "department_head",
            "department_id": department.id,
            "password": "long-enough-now",
        },
        headers=cdo,
    )
    assert created.status_code == 201
    account = created.json()
    assert (account["email"], account["department_id"]) == ("head@example.com", department.id)
    fetched = await anon.get(f"/api/v1/accounts/{account['id']}", headers=cdo)
    assert fetched.headers["etag"] == '"1"'
    disabled = await anon.patch(
        f"/api/v1/accounts/{account['id']}",
        json={"is_disabled": True},
        headers=cdo | {"If-Match": fetched.headers["etag"]},
    )
    assert (disabled.status_code, disabled.json()["is_disabled"]) == (200, True)
    assert disabled.headers["etag"] == '"2"'
    events = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "account").order_by(AuditEvent.id)
        )
    ).all()
    assert [(e.action, e.after) for e in events] == [
        (
            "create",
            {
                "id": account["id"],
                "email": "head@example.com",
                "person_id": None,
                "role": "department_head",
                "department_id": department.id,
                "is_disabled": False,
                "locale": None,
                "oidc_issuer": None,
                "oidc_subject": None,
            },
        ),
        ("update", {"is_disabled": True, "version": 2}),
    ]


async def test_account_rules(anon: httpx.AsyncClient, session: AsyncSession) -> None:
    await make_account(session, "viewer", email="taken@example.com")
    cdo = bearer(await make_token(session, await make_account(session, "cdo_office")))
    await session.commit()  # keep the setup when a refused request rolls back
    cases = [
        ({"email": "TAKEN@example.com", "role": "viewer"}, 409, "duplicate_email", "email"),
        (
            {"email": "h@example.com", "role": "department_head"},
            422,
            "department_required",
            "department_id",
        ),
        (
            {"email": "bi@example.com", "role": "bi_reader", "password": "long-enough-now"},
            422,
            "password_not_allowed",
            "password",
        ),
        (
            {"email": "v@example.com", "role": "viewer", "person_id": 987654},
            422,
            "unknown_reference",
            "person_id",
        ),
        ({"email": "v@example.com", "role": "king"}, 422, "validation_error", "role"),
    ]
    for body, status, code, field in cases:
        response = await anon.post("/api/v1/accounts", json=body, headers=cdo)
        assert (response.status_code, response.json()["code"], response.json()["field"]) == (
            status,
            code,
            field,
        ), body


async def test_only_the_cdo_office_manages_accounts(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    department = await make_department(session)
    head = await make_account(session, "department_head", department_id=department.id)
    head_id = head.id
    auth = bearer(await make_token(session, head))
    await session.commit()  # keep the setup when a refused request rolls back
    assert (await anon.get("/api/v1/accounts", headers=auth)).status_code == 403
    body = {"email": "new@example.com", "role": "cdo_office"}
    assert (await anon.post("/api/v1/accounts", json=body, headers=auth)).status_code == 403
    assert (await anon.get(f"/api/v1/accounts/{head_id}", headers=auth)).status_code == 200
    escalate = await anon.patch(
        f"/api/v1/accounts/{head_id}",
        json={"role": "cdo_office"},
        headers=auth | {"If-Match": '"1"'},
    )
    assert escalate.status_code == 403
    role = await session.scalar(select(Account.role).where(Account.id == head_id))
    assert role == "department_head"


async def test_passwords_are_12_characters_and_never_the_demo_password(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    cdo = bearer(await make_token(session, await make_account(session, "cdo_office")))
    viewer = await make_account(session, "viewer")
    viewer_id = viewer.id
    await session.commit()  # keep the setup when a refused request rolls back
    short = "eleven-char"
    refused = {
        short: "Password must be at least 12 characters.",
        "demo-password": "Password must not be the published demo password; choose another.",
    }
    for password, detail in refused.items():
        body = {"email": "new@example.com", "role": "viewer", "password": password}
        created = await anon.post("/api/v1/accounts", json=body, headers=cdo)
        changed = await anon.patch(
            f"/api/v1/accounts/{viewer_id}",
            json={"password": password},
            headers=cdo | {"If-Match": '"1"'},
        )
        for response in (created, changed):
            problem = response.json()
            assert (response.status_code, problem["field"], problem["detail"]) == (
                422,
                "password",
                detail,
            ), password
            assert password not in response.text
    emails = await session.scalars(select(Account.email).where(Account.email == "new@example.com"))
    assert emails.all() == []
    twelve = {"email": "new@example.com", "role": "viewer", "password": "twelve-chars"}
    assert (await anon.post("/api/v1/accounts", json=twelve, headers=cdo)).status_code == 201


async def test_a_token_must_expire_in_the_future(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer")
    auth = bearer(await make_token(session, account))
    await session.commit()  # keep the setup when a refused request rolls back
    for past in ("2020-01-01T00:00:00Z", "2020-01-01T00:00:00"):
        response = await anon.post(
            "/api/v1/auth/tokens", json={"name": "late", "expires_at": past}, headers=auth
        )
        problem = response.json()
        assert (response.status_code, problem["code"], problem["field"]) == (
            422,
            "expiry_in_past",
            "expires_at",
        )
        assert problem["detail"] == (
            "expires_at: 2020-01-01T00:00:00"
            + ("+00:00" if past.endswith("Z") else "")
            + " is not in the future; a token must expire later than now, or be created"
            " without expiry."
        )
    names = await session.scalars(select(ApiToken.name).where(ApiToken.name == "late"))
    assert names.all() == []
    later = {"name": "later", "expires_at": "2999-01-01T00:00:00Z"}
    created = await anon.post("/api/v1/auth/tokens", json=later, headers=auth)
    assert (created.status_code, created.json()["expires_at"]) == (201, "2999-01-01T00:00:00Z")
