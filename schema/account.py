"""Accounts that sign in (people or BI service accounts) and their API tokens."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from schema.base import Timestamped, check_in, fk_field, id_field, now_column
from schema.enums import Language, Role
from schema.text import EMAIL_MAX, NAME_MAX


class Account(Timestamped, table=True):
    """A login: linked to a Person, or a service account (BI) with no person and no password."""

    __tablename__ = "account"
    __table_args__ = (
        sa.CheckConstraint(check_in("role", Role), name="role"),
        sa.CheckConstraint(check_in("locale", Language), name="locale"),
        sa.CheckConstraint(
            "role <> 'department_head' OR department_id IS NOT NULL", name="head_has_department"
        ),
        sa.CheckConstraint("position('@' in email) > 1", name="email_format"),
        # Single sign-on: one account per identity (issuer + subject), both or neither.
        sa.UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_account_oidc_identity"),
        sa.CheckConstraint(
            "(oidc_issuer IS NULL) = (oidc_subject IS NULL)", name="oidc_identity_whole"
        ),
    )

    id: int | None = id_field()
    email: str = Field(max_length=EMAIL_MAX, unique=True)
    person_id: int | None = fk_field("person.id", ondelete="SET NULL", nullable=True)
    role: str = Field(max_length=20)
    # The department a department_head writes for; accounts are disabled, never deleted
    # while a department refers to them, so the scope cannot vanish silently.
    department_id: int | None = fk_field("department.id", ondelete="RESTRICT", nullable=True)
    password_hash: str | None = Field(default=None, max_length=300)
    is_disabled: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # The OpenID Connect identity the account signs in with (service/auth/oidc/).
    oidc_issuer: str | None = Field(default=None, max_length=300)
    oidc_subject: str | None = Field(default=None, max_length=255)
    # The language the account reads pages, messages and emails in (`en`, `fr`);
    # None: the browser's preference (`Accept-Language`).
    locale: str | None = Field(default=None, max_length=5)


class ApiToken(SQLModel, table=True):
    """A bearer token: only its SHA-256 is stored; the prefix lets people recognise it."""

    __tablename__ = "api_token"

    id: int | None = id_field()
    account_id: int = fk_field("account.id", ondelete="CASCADE")
    name: str = Field(default="", max_length=NAME_MAX)
    prefix: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_used_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_at: datetime = now_column()


class AccountSession(SQLModel, table=True):
    """A signed-in browser: the cookie holds a random token, only its SHA-256 is stored.

    Deleting the row ends the session at once (sign-out, password change, disabling).
    """

    __tablename__ = "account_session"

    id: int | None = id_field()
    account_id: int = fk_field("account.id", ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = now_column()
    last_seen_at: datetime = now_column()


class InstallationSecret(SQLModel, table=True):
    """The installation's own key (one row), used when SECRET_KEY is not set."""

    __tablename__ = "installation_secret"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: int = Field(
        default=1,
        primary_key=True,
        sa_type=sa.SmallInteger,
        sa_column_kwargs={"autoincrement": False},
    )
    key: str = Field(max_length=100)
    created_at: datetime = now_column()
