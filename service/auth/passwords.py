"""Password hashing (argon2 through pwdlib)."""

import asyncio
from typing import Any

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pydantic import ValidationInfo
from pydantic_core import PydanticCustomError

_hasher = PasswordHash((Argon2Hasher(),))

MIN_PASSWORD_LENGTH = 12
# Published in the README and printed by `serve --demo`: only the demo accounts have it.
DEMO_PASSWORD = "demo-password"
# The validation context under which the demo loader gives its accounts DEMO_PASSWORD.
DEMO_ACCOUNTS: dict[str, Any] = {"demo_accounts": True}


def check_new_password(password: str, info: ValidationInfo) -> str:
    """`password` unchanged when an account may be given it: at least 12 characters, and
    never the published demo password (except for the demo accounts themselves)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PydanticCustomError(
            "password_too_short",
            "must be at least {min_length} characters",
            {"min_length": MIN_PASSWORD_LENGTH},
        )
    if password == DEMO_PASSWORD and not (info.context or {}).get("demo_accounts"):
        raise PydanticCustomError(
            "demo_password", "must not be the published demo password; choose another"
        )
    return password


# Verified when the account is unknown or has no password, so a wrong email costs the
# same time as a wrong password and does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """The argon2 hash of `password`."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when `password` matches `password_hash` (always False without a hash)."""
    if password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False
    return _hasher.verify(password, password_hash)


async def verify_password_async(password: str, password_hash: str | None) -> bool:
    """`verify_password` off the event loop (argon2 is deliberately slow)."""
    return await asyncio.to_thread(verify_password, password, password_hash)
