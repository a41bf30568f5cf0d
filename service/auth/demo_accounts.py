"""Demo accounts: one per role, plus one for each department head, all with a known
password (the BI service account gets a token instead, as it has no password)."""

import base64
import hashlib
import hmac
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import ApiToken, Department, Initiative, Person
from service.actor import SYSTEM, Role
from service.auth import accounts, secret, tokens
from service.auth.passwords import DEMO_ACCOUNTS, DEMO_PASSWORD
from service.auth.payloads import AccountCreate
from service.demo import guard

DEMO_TOKEN_NAME = "demo"
FALLBACK_DOMAIN = "demo.example"


@dataclass(frozen=True)
class DemoLogin:
    """How to sign in as one demo account: a password, or (BI) a token."""

    email: str
    role: Role
    department: str | None
    person: str | None
    secret: str


@dataclass(frozen=True)
class _Wanted:
    email: str
    role: Role
    department_id: int | None = None
    department: str | None = None
    person_id: int | None = None
    person: str | None = None


async def _people(session: AsyncSession) -> list[_Wanted]:
    heads = await session.execute(
        sa.select(
            col(Department.id),
            col(Department.code),
            col(Person.id),
            col(Person.email),
            col(Person.name),
        )
        .join(Person, col(Person.id) == col(Department.head_id))
        .order_by(col(Department.id))
    )
    wanted = [
        _Wanted(email, Role.department_head, dept_id, code, person_id, name)
        for dept_id, code, person_id, email, name in heads.all()
    ]
    used = {w.person_id for w in wanted}
    picks = (
        (Role.cdo_office, sa.select(Person).where(col(Person.title).ilike("%digital officer%"))),
        (Role.viewer, sa.select(Person).where(col(Person.manager_id).is_(None))),
        (
            Role.contributor,
            sa.select(Person).join(Initiative, col(Initiative.owner_id) == col(Person.id)),
        ),
    )
    for role, stmt in picks:
        stmt = stmt.where(col(Person.is_active), col(Person.id).not_in(used or {0}))
        person = await session.scalar(stmt.order_by(col(Person.id)).limit(1))
        if person is None:
            wanted.append(_Wanted(f"{role.value.replace('_', '-')}@{FALLBACK_DOMAIN}", role))
            continue
        used.add(person.id)
        wanted.append(_Wanted(person.email, role, person_id=person.id, person=person.name))
    return wanted


def demo_bi_token(installation_key: str) -> str:
    """The demo BI token of an installation: derived from its stored secret key, so every
    `serve --demo` prints the same one until `rotate-secret` replaces the key."""
    digest = hmac.new(installation_key.encode(), b"demo bi_reader token", hashlib.sha256)
    return tokens.TOKEN_PREFIX + base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


async def _bi_token(session: AsyncSession, account_id: int) -> str:
    # The same token on every run, so a BI tool set up with it keeps working after a
    # restart; other live demo tokens (an older key's) are revoked. Once someone revoked
    # the derived token itself, each run makes a fresh random one instead.
    derived = demo_bi_token(await secret.stored_key(session))
    demo = await session.execute(
        sa.select(col(ApiToken.id), col(ApiToken.token_hash), col(ApiToken.revoked_at)).where(
            col(ApiToken.account_id) == account_id, col(ApiToken.name) == DEMO_TOKEN_NAME
        )
    )
    rows = demo.all()
    wanted = tokens.hash_token(derived)
    revoked = any(token_hash == wanted and at is not None for _, token_hash, at in rows)
    plaintext = tokens.new_token() if revoked else derived
    for token_id, token_hash, at in rows:
        if at is None and token_hash != tokens.hash_token(plaintext):
            assert token_id is not None
            await tokens.revoke_token(session, SYSTEM, token_id)
    if not any(token_hash == tokens.hash_token(plaintext) for _, token_hash, _ in rows):
        await tokens.create_token(
            session, SYSTEM, account_id, name=DEMO_TOKEN_NAME, plaintext=plaintext
        )
    return plaintext


async def ensure_demo_accounts(session: AsyncSession) -> list[DemoLogin]:
    """Create the demo accounts that do not exist yet (flushed, not committed); return
    every demo login. Run after the demo company is loaded.

    Raises Conflict (code `not_the_demo`) unless the database holds exactly the demo company:
    accounts with a published password never go into a database with real data.
    """
    if not await guard.holds_only_the_demo(session):
        raise guard.not_the_demo()
    wanted = await _people(session)
    domain = wanted[0].email.split("@")[1] if wanted and wanted[0].person_id else FALLBACK_DOMAIN
    logins: list[DemoLogin] = []
    for want in wanted:
        account = await accounts.get_account_by_email(session, want.email)
        if account is None:
            given = {
                "email": want.email,
                "role": want.role,
                "department_id": want.department_id,
                "person_id": want.person_id,
                "password": DEMO_PASSWORD,
            }
            # The one place the published password is allowed: the demo's own accounts.
            data = AccountCreate.model_validate(given, context=DEMO_ACCOUNTS)
            account = await accounts.create_account(session, SYSTEM, data)
        logins.append(
            DemoLogin(account.email, want.role, want.department, want.person, DEMO_PASSWORD)
        )
    bi_email = f"bi-reader@{domain}"
    bi_account = await accounts.get_account_by_email(session, bi_email)
    if bi_account is None:
        data = AccountCreate(email=bi_email, role=Role.bi_reader)
        bi_account = await accounts.create_account(session, SYSTEM, data)
    token = await _bi_token(session, accounts.account_id(bi_account))
    logins.append(DemoLogin(bi_email, Role.bi_reader, None, None, token))
    return logins
