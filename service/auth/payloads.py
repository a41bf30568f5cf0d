"""Wire shapes of accounts, tokens and sign-in."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from schema.enums import Language, Role
from schema.text import Email, Name, Password
from service.auth.passwords import check_new_password

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"

# A password an account is given (creation or change); signing in takes any Password.
NewPassword = Annotated[Password, AfterValidator(check_new_password)]


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email = Field(min_length=3, pattern=EMAIL_PATTERN)
    role: Role
    department_id: int | None = Field(
        default=None, description="The department a department_head writes for."
    )
    person_id: int | None = Field(default=None, description="The person behind the account.")
    password: NewPassword | None = Field(
        default=None,
        description="At least 12 characters. Omit for service accounts, which sign in with "
        "API tokens only.",
    )


class AccountUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    department_id: int | None = None
    person_id: int | None = None
    is_disabled: bool | None = None
    password: NewPassword | None = Field(default=None, description="At least 12 characters.")
    locale: Language | None = Field(
        default=None, description="The account's language (`en`, `fr`); null: the browser's."
    )


class MyAccountUpdate(BaseModel):
    """What an account changes on itself."""

    model_config = ConfigDict(extra="forbid")

    locale: Language | None = Field(
        description="Pages and messages in `en` or `fr`; null: the browser's language."
    )


class AccountPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    role: Role
    department_id: int | None
    person_id: int | None
    is_disabled: bool
    locale: Language | None
    created_at: datetime
    updated_at: datetime
    version: int


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email = Field(min_length=1)
    password: Password = Field(min_length=1)


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = Field(default="", description="What the token is for.")
    expires_at: datetime | None = Field(default=None, description="Omit for no expiry.")


class TokenPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    account_id: int
    name: str
    prefix: str = Field(description="The first characters of the token, to recognise it.")
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    created_at: datetime


class TokenCreated(TokenPublic):
    token: str = Field(description="The token itself: shown once, never stored.")


class SessionPublic(BaseModel):
    """The signed-in account, and the CSRF token its pages and scripts send on writes."""

    account: AccountPublic
    csrf_token: str = Field(description="Send it as `X-CSRF-Token` on cookie-authenticated writes.")
