"""Password hashing (argon2 through pwdlib)."""

import asyncio

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_hasher = PasswordHash((Argon2Hasher(),))

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
