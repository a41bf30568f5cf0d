"""Accounts: create, change, disable, list; who an account acts as."""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Account, Department, Person
from service import audit, crud
from service.actor import Actor, Role
from service.auth import policy, sessions
from service.auth.credential_cache import CredentialCache
from service.auth.passwords import hash_password
from service.auth.payloads import AccountCreate, AccountUpdate, MyAccountUpdate
from service.errors import Conflict, NotFound, ValidationFailed
from service.i18n import gettext as _
from service.listing.common import changed_since
from service.pagination import keyset


def actor_for(account: Account, request_id: str | None = None) -> Actor:
    """The Actor an account acts as (`authenticate.signed_in` makes a request act as it)."""
    return Actor(
        account_id=account.id,
        role=Role(account.role),
        department_id=account.department_id,
        person_id=account.person_id,
        request_id=request_id,
        label=account.email,
        locale=account.locale,
    )


def account_id(account: Account) -> int:
    """The id of a flushed account."""
    assert account.id is not None
    return account.id


async def get_account(session: AsyncSession, actor: Actor, account_id: int) -> Account:
    """One account (the actor's own, or any for the CDO office), or 404."""
    if actor.account_id != account_id:
        policy.require(actor, policy.Permission.manage_accounts)
    return await crud.get_or_404(session, Account, account_id)


async def get_own_account(session: AsyncSession, actor: Actor) -> Account:
    """The account the actor signed in with (404 for the system actor, which has none)."""
    if actor.account_id is None:
        raise NotFound(
            _("%(actor)s acts without an account.") % {"actor": actor.label},
            code="account_not_found",
        )
    return await crud.get_or_404(session, Account, actor.account_id)


async def get_account_by_email(session: AsyncSession, email: str) -> Account | None:
    """The account signing in with `email` (case-insensitive), if any."""
    stmt = sa.select(Account).where(col(Account.email) == email.strip().lower())
    return await session.scalar(stmt)


async def list_accounts(
    session: AsyncSession,
    actor: Actor,
    *,
    limit: int,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> Sequence[Account]:
    """Accounts by id after `cursor` (CDO office; one extra row tells whether more follow)."""
    policy.require(actor, policy.Permission.manage_accounts)
    stmt = sa.select(Account).where(*changed_since(col(Account.updated_at), updated_since))
    return (await session.scalars(keyset(stmt, Account.id, cursor, limit))).all()


def _check_scope(role: Role, department_id: int | None, has_password: bool) -> None:
    if role is Role.department_head and department_id is None:
        raise ValidationFailed(
            _("A department_head account needs the department it writes for."),
            code="department_required",
            field="department_id",
        )
    if role is Role.bi_reader and has_password:
        raise ValidationFailed(
            _("A bi_reader account reads through the APIs with tokens; it has no password."),
            code="password_not_allowed",
            field="password",
        )


async def create_account(session: AsyncSession, actor: Actor, data: AccountCreate) -> Account:
    """Create an account (CDO office only); the email must be unused."""
    policy.require(actor, policy.Permission.manage_accounts)
    email = data.email.strip().lower()
    if await get_account_by_email(session, email) is not None:
        raise Conflict(
            _("An account with email '%(email)s' already exists.") % {"email": email},
            code="duplicate_email",
            field="email",
        )
    _check_scope(data.role, data.department_id, data.password is not None)
    await crud.require_refs(session, Department, {"department_id": data.department_id})
    await crud.require_refs(session, Person, {"person_id": data.person_id})
    account = Account(
        email=email,
        role=data.role.value,
        department_id=data.department_id,
        person_id=data.person_id,
        password_hash=hash_password(data.password) if data.password else None,
    )
    session.add(account)
    await session.flush()
    after = audit.row_values(account, exclude=("version",))
    await audit.record(session, actor, "create", "account", account_id(account), after=after)
    return account


async def update_account(
    session: AsyncSession,
    actor: Actor,
    account_id: int,
    data: AccountUpdate,
    *,
    expected_version: int | None = None,
) -> Account:
    """Change an account's role, scope, person, password or disabled flag (CDO office only)."""
    policy.require(actor, policy.Permission.manage_accounts)
    account = await crud.get_for_update(session, Account, account_id, expected_version)
    values = data.model_dump(exclude_unset=True, exclude={"password"})
    role = Role(values.get("role", account.role))
    department_id = values.get("department_id", account.department_id)
    _check_scope(role, department_id, data.password is not None)
    await crud.require_refs(session, Department, {"department_id": values.get("department_id")})
    await crud.require_refs(session, Person, {"person_id": values.get("person_id")})
    if "role" in values:
        values["role"] = role.value
    changed = crud.apply_changes(account, values)
    if data.password is not None:
        account.password_hash = hash_password(data.password)
        changed["password_changed"] = (False, True)
    if data.password is not None or account.is_disabled:
        # A new password or a disabled account ends every session at once.
        await sessions.end_sessions_of(session, account_id)
    await audit.record_changes(session, actor, "account", account, changed)
    return account


async def update_own_account(
    session: AsyncSession, actor: Actor, data: MyAccountUpdate, cache: CredentialCache | None
) -> Account:
    """Change the signed-in account's own preferences (its language), audited; any role."""
    account = await get_own_account(session, actor)
    changed = crud.apply_changes(account, data.model_dump(exclude_unset=True))
    await audit.record_changes(session, actor, "account", account, changed)
    if changed and cache is not None:
        # The change's notification may reach this process after the account's next
        # request (the page the browser is sent back to): forget its sign-ins here now.
        cache.forget_account(account_id(account))
    return account


async def disable_account(session: AsyncSession, actor: Actor, account_id: int) -> Account:
    """Disable an account: its tokens and sessions stop working at once."""
    return await update_account(session, actor, account_id, AccountUpdate(is_disabled=True))
