"""The account a verified OpenID identity signs in as: found by its identity (issuer +
subject), else by its email (then linked), else created; role and department re-applied
from the claims at every sign-in. Every refusal leaves nothing written.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Account, Department, Person
from schema.text import EMAIL_MAX
from service import audit, crud
from service.auth import accounts, authenticate
from service.auth.oidc import config
from service.auth.oidc.errors import SignInRefused
from service.config import Settings
from service.i18n import gettext as _


def _email(claims: dict[str, Any]) -> str:
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email[1:] or len(email) > EMAIL_MAX:
        raise SignInRefused(
            _(
                "The identity provider sent no email address for you; ask your administrator"
                " to release the 'email' claim to this application."
            ),
            code="sso_no_email",
        )
    if claims.get("email_verified") is False:
        raise SignInRefused(
            _("The identity provider has not verified your email address %(email)s.")
            % {"email": email},
            code="sso_email_unverified",
        )
    return email.strip().lower()


async def _department_id(session: AsyncSession, grant: config.Grant) -> int | None:
    if grant.department_code is None:
        return None
    stmt = sa.select(col(Department.id)).where(col(Department.code) == grant.department_code)
    found = await session.scalar(stmt)
    if found is None:
        raise SignInRefused(
            _(
                "Your group makes you head of department '%(code)s', which does not exist here."
                " Ask the CDO office to correct the single sign-on mapping."
            )
            % {"code": grant.department_code},
            code="sso_unknown_department",
        )
    return int(found)


async def _by_identity(session: AsyncSession, issuer: str, subject: str) -> Account | None:
    stmt = sa.select(Account).where(
        col(Account.oidc_issuer) == issuer, col(Account.oidc_subject) == subject
    )
    return await session.scalar(stmt.with_for_update())


async def _create(
    session: AsyncSession, email: str, identity: tuple[str, str], scope: dict[str, Any]
) -> Account:
    person_id = await session.scalar(
        sa.select(col(Person.id)).where(sa.func.lower(col(Person.email)) == email)
    )
    account = Account(
        email=email,
        person_id=person_id,
        oidc_issuer=identity[0],
        oidc_subject=identity[1],
        **scope,
    )
    session.add(account)
    await session.flush()
    after = audit.row_values(account, exclude=("version",))
    actor = accounts.actor_for(account)
    await audit.record(
        session, actor, "create", "account", accounts.account_id(account), after=after
    )
    return account


async def _existing(session: AsyncSession, email: str, identity: tuple[str, str]) -> Account | None:
    account = await _by_identity(session, *identity)
    if account is not None:
        return account
    account = await accounts.get_account_by_email(session, email)
    if account is not None and account.oidc_subject is not None:
        raise SignInRefused(
            _("The account %(email)s signs in with another identity of the provider.")
            % {"email": email},
            code="sso_identity_mismatch",
        )
    return account


def _refuse_disabled(account: Account) -> None:
    if account.is_disabled:
        raise SignInRefused(
            _("The account %(email)s is disabled. Ask the CDO office.") % {"email": account.email},
            code="account_disabled",
        )


async def sign_in(
    session: AsyncSession, settings: Settings, issuer: str, claims: dict[str, Any]
) -> Account:
    """The account of a verified identity, created on first sign-in; SignInRefused when
    the claims map to no role, the account is disabled or the email belongs to another."""
    identity = (issuer, str(claims["sub"]))
    email = _email(claims)
    grant = config.grant_for(claims, settings)
    if grant is None:
        raise SignInRefused(
            _(
                "You (%(email)s) are not in a group that may use this portfolio. Ask the CDO"
                " office to give your group access."
            )
            % {"email": email},
            code="sso_unmapped",
        )
    scope = {"role": grant.role.value, "department_id": await _department_id(session, grant)}
    account = await _existing(session, email, identity)
    if account is None:
        account = await _create(session, email, identity, scope)
    else:
        _refuse_disabled(account)
        link = {"oidc_issuer": identity[0], "oidc_subject": identity[1]}
        changed = crud.apply_changes(account, scope | link)
        await audit.record_changes(
            session, accounts.actor_for(account), "account", account, changed
        )
    actor = authenticate.signed_in(accounts.actor_for(account))
    after = {"method": "oidc", "issuer": issuer, "role": account.role}
    await audit.record(
        session, actor, "sign_in", "account", accounts.account_id(account), after=after
    )
    return account
