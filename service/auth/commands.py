"""What the command line runs for accounts and tokens, each in one committed transaction."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import pydantic
import sqlalchemy as sa
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Account, Person
from service.actor import SYSTEM, Role
from service.auth import accounts, tokens
from service.auth.demo_accounts import DEMO_PASSWORD, DemoLogin, ensure_demo_accounts
from service.auth.payloads import AccountCreate
from service.config import Settings
from service.db import make_engine, make_sessionmaker
from service.departments import service as departments_service
from service.errors import NotFound, ValidationFailed
from service.i18n import gettext as _


@asynccontextmanager
async def _transaction(url: str, settings: Settings) -> AsyncIterator[AsyncSession]:
    engine = make_engine(url, settings.model_copy(update={"db_pool_size": 1}))
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            yield session
    finally:
        await engine.dispose()


async def create_account(
    url: str,
    settings: Settings,
    *,
    email: str,
    role: Role,
    department_code: str | None = None,
    person_email: str | None = None,
    password: str | None = None,
) -> Account:
    """Create an account, naming its department by code and its person by email."""
    async with _transaction(url, settings) as session:
        department_id = None
        if department_code is not None:
            department = await departments_service.get_department_by_code(session, department_code)
            if department is None:
                raise NotFound(
                    _("No department has code '%(code)s'.") % {"code": department_code},
                    field="department",
                )
            department_id = department.id
        person_id = None
        if person_email is not None:
            stmt = sa.select(col(Person.id)).where(
                col(Person.email) == person_email.strip().lower()
            )
            person_id = await session.scalar(stmt)
            if person_id is None:
                raise NotFound(
                    _("No person has email '%(email)s'.") % {"email": person_email},
                    field="person",
                )
        try:
            data = AccountCreate(
                email=email,
                role=role,
                department_id=department_id,
                person_id=person_id,
                password=password,
            )
        except pydantic.ValidationError as invalid:
            raise refusal_without_input(invalid) from None
        return await accounts.create_account(session, SYSTEM, data)


def refusal_without_input(invalid: pydantic.ValidationError) -> ValidationFailed:
    """The first problem of `invalid` as a ValidationFailed that never repeats the input
    (pydantic's own message quotes it, and it may be a password)."""
    first = invalid.errors(include_input=False, include_url=False)[0]
    field = ".".join(str(part) for part in first["loc"]) or None
    detail = f"{field}: {first['msg']}." if field else f"{first['msg']}."
    return ValidationFailed(detail, field=field)


async def create_token(
    url: str, settings: Settings, *, email: str, name: str = "", expires_days: int | None = None
) -> str:
    """Create an API token for the account with `email`; return the token (shown once)."""
    if expires_days is not None and expires_days < 1:
        raise ValidationFailed(_("--expires-days must be 1 or more."), field="expires_days")
    async with _transaction(url, settings) as session:
        account = await accounts.get_account_by_email(session, email)
        if account is None:
            raise NotFound(
                _("No account has email '%(email)s'.") % {"email": email},
                code="account_not_found",
            )
        expires_at = None
        if expires_days is not None:
            now: datetime = (await session.execute(sa.select(sa.func.now()))).scalar_one()
            expires_at = now + timedelta(days=expires_days)
        _token, plaintext = await tokens.create_token(
            session, SYSTEM, accounts.account_id(account), name=name, expires_at=expires_at
        )
        return plaintext


async def demo_accounts(url: str, settings: Settings) -> list[DemoLogin]:
    """Create the demo accounts that are missing and return every demo login."""
    async with _transaction(url, settings) as session:
        return await ensure_demo_accounts(session)


def print_demo_logins(console: Console, logins: list[DemoLogin]) -> None:
    """The demo logins as a table (email, role, department, password or token)."""
    table = Table(title=f"Demo logins (password: {DEMO_PASSWORD})")
    for column in ("email", "role", "department", "person", "password / token"):
        table.add_column(column, no_wrap=True)
    for login in logins:
        table.add_row(
            login.email, login.role.value, login.department or "", login.person or "", login.secret
        )
    # Wide enough for full emails and tokens even when the terminal is narrow or absent: a
    # print cannot be wider than its console, so the table goes through a wider one.
    wide = Console(
        file=console.file,
        width=max(console.width, 170),
        force_terminal=console.is_terminal,
        no_color=console.no_color,
    )
    wide.print(table)
