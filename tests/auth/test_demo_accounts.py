"""Demo accounts: one per role and one per department head, on the demo company."""

import io
from datetime import date

import httpx
from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Account, ApiToken, Department, Initiative
from service.actor import SYSTEM, Role
from service.auth import secret
from service.auth.commands import print_demo_logins
from service.auth.demo_accounts import DEMO_PASSWORD, DemoLogin, ensure_demo_accounts
from service.auth.tokens import revoke_token
from service.demo.loader import load_company
from tests.auth.helpers import bearer

# The shape of a BI token as `create_token` makes it.
TOKEN = "cdo_YvGXjCSuNqWH8TEbnD0VOUo6FAUq1w2e3r4t5y6u7i8"

HEADS = ("marketing", "it", "hr", "finance", "operations", "sales", "customer-service")


async def test_one_login_per_role_and_per_head(session: AsyncSession) -> None:
    await load_company(session, today=date(2026, 11, 23))
    logins = await ensure_demo_accounts(session)
    assert [(login.role, login.department) for login in logins] == [
        *((Role.department_head, code) for code in HEADS),
        (Role.cdo_office, None),
        (Role.viewer, None),
        (Role.contributor, None),
        (Role.bi_reader, None),
    ]
    by_role = {login.role: login for login in logins}
    assert by_role[Role.cdo_office].email == "samuel.okafor@northbridge-home.example"
    assert by_role[Role.viewer].email == "helene.marchand@northbridge-home.example"
    assert logins[2].email == "amina.benali@northbridge-home.example"
    assert {login.secret for login in logins[:-1]} == {DEMO_PASSWORD}
    assert by_role[Role.bi_reader].secret.startswith("cdo_")


async def test_running_again_adds_no_account_and_keeps_the_bi_token_working(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    await load_company(session, today=date(2026, 11, 23))
    first = await ensure_demo_accounts(session)
    count = await session.scalar(select(func.count()).select_from(Account))
    second = await ensure_demo_accounts(session)
    assert await session.scalar(select(func.count()).select_from(Account)) == count
    assert first[-1].secret == second[-1].secret
    live = select(func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None))  # type: ignore[union-attr]
    assert await session.scalar(live) == 1
    me = await anon.get("/api/v1/auth/me", headers=bearer(first[-1].secret))
    assert (me.status_code, me.json()["role"]) == (200, "bi_reader")


async def test_a_new_installation_key_or_a_revoked_demo_token_gives_a_new_one(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    await load_company(session, today=date(2026, 11, 23))
    first = (await ensure_demo_accounts(session))[-1].secret
    await secret.replace_stored_key(session)
    rotated = (await ensure_demo_accounts(session))[-1].secret
    await session.commit()  # kept when the refused request rolls back (the test still does)
    assert rotated != first
    assert (await ensure_demo_accounts(session))[-1].secret == rotated
    assert (await anon.get("/api/v1/auth/me", headers=bearer(first))).status_code == 401
    token_id = await session.scalar(
        select(ApiToken.id).where(ApiToken.revoked_at.is_(None))  # type: ignore[union-attr]
    )
    assert token_id is not None
    await revoke_token(session, SYSTEM, token_id)
    fresh = (await ensure_demo_accounts(session))[-1].secret
    await session.commit()
    assert fresh not in (first, rotated)
    assert (await anon.get("/api/v1/auth/me", headers=bearer(rotated))).status_code == 401
    me = await anon.get("/api/v1/auth/me", headers=bearer(fresh))
    assert (me.status_code, me.json()["role"]) == (200, "bi_reader")


async def test_demo_logins_work(anon: httpx.AsyncClient, session: AsyncSession) -> None:
    await load_company(session, today=date(2026, 11, 23))
    logins = await ensure_demo_accounts(session)
    for login in logins[:-1]:
        response = await anon.post(
            "/api/v1/auth/login", json={"email": login.email, "password": login.secret}
        )
        assert (response.status_code, response.json()["account"]["role"]) == (200, login.role)
    me = await anon.get("/api/v1/auth/me", headers=bearer(logins[-1].secret))
    assert me.json()["role"] == "bi_reader"


async def test_a_demo_head_writes_for_their_department_only(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    await load_company(session, today=date(2026, 11, 23))
    logins = await ensure_demo_accounts(session)
    await session.commit()  # keep the company when the refused request rolls back
    hr_head = next(login for login in logins if login.department == "hr")
    closed = ("done", "stopped")
    open_ones = select(Initiative.id).where(Initiative.status.not_in(closed))  # type: ignore[attr-defined]
    ours = await session.scalar(open_ones.join(Department).where(Department.code == "hr"))
    theirs = await session.scalar(open_ones.join(Department).where(Department.code == "marketing"))
    signed_in = await anon.post(
        "/api/v1/auth/login", json={"email": hr_head.email, "password": hr_head.secret}
    )
    csrf = {"X-CSRF-Token": signed_in.json()["csrf_token"]}
    checkin = {"percent_complete": 40, "health": "green", "summary": "Demo"}
    own = await anon.post(f"/api/v1/initiatives/{ours}/updates", json=checkin, headers=csrf)
    other = await anon.post(f"/api/v1/initiatives/{theirs}/updates", json=checkin, headers=csrf)
    assert (own.status_code, other.status_code) == (201, 403)


def test_printed_logins_keep_every_email_and_token_whole_on_a_narrow_console() -> None:
    logins = [
        DemoLogin(
            "customer-service.head@northbridge-home.example",
            Role.department_head,
            "customer-service",
            "Lucia Ferraro",
            DEMO_PASSWORD,
        ),
        DemoLogin("bi-reader@northbridge-home.example", Role.bi_reader, None, None, TOKEN),
    ]
    out = io.StringIO()
    print_demo_logins(Console(file=out, width=80), logins)
    text = out.getvalue()
    for login in logins:
        assert login.email in text
        assert login.secret in text
    assert "customer-service" in text
