"""`Idempotency-Key` on create requests: a replay answers the first response again.

The key row is inserted first, inside the request's transaction, with ON CONFLICT DO
NOTHING: a concurrent request with the same key waits on the unique index until the
first one commits (or rolls back), then finds its stored response. So two identical
requests create exactly one row. A failed request rolls its key back and may be retried.
"""

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import sqlalchemy as sa
from fastapi import Depends, Header, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import IdempotencyKey
from service.actor import Actor
from service.errors import Conflict, ValidationFailed
from service.i18n import gettext as _

T = TypeVar("T")

KEY_LIFETIME = sa.text("interval '24 hours'")
REPLAY_HEADER = "Idempotent-Replayed"


class IdempotentReplay(Exception):
    """Raised to answer a replayed request with the stored first response."""

    def __init__(self, status_code: int, body: Any) -> None:
        super().__init__("idempotent replay")
        self.status_code = status_code
        self.body = body

    def response(self) -> JSONResponse:
        """The stored response, marked as a replay."""
        return JSONResponse(self.body, self.status_code, headers={REPLAY_HEADER: "true"})


def _fingerprint(method: str, path: str, body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":"))
    except ValueError:
        canonical = body.decode("latin-1")
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


class Idempotency:
    """The `Idempotency-Key` of one request, and how to run its create exactly once."""

    def __init__(self, key: str | None, method: str, path: str, request_hash: str) -> None:
        self.key = key
        self.method = method
        self.path = path
        self.request_hash = request_hash

    async def run(
        self,
        session: AsyncSession,
        actor: Actor,
        create: Callable[[], Awaitable[T]],
        *,
        status_code: int = 201,
        response: Response | None = None,
    ) -> T:
        """`create()` once per key: a replay raises IdempotentReplay with the first response;
        the same key with another request is a 422 (`idempotency_key_reused`).

        The stored status is `status_code`, or the one `create` set on `response`.
        """
        if self.key is None:
            return await create()
        owner = col(IdempotencyKey.account_id).is_not_distinct_from(actor.account_id)
        same_key = sa.and_(owner, col(IdempotencyKey.key) == self.key)
        expired = col(IdempotencyKey.created_at) < sa.func.now() - KEY_LIFETIME
        await session.execute(sa.delete(IdempotencyKey).where(same_key, expired))
        claim = (
            insert(IdempotencyKey)
            .values(
                account_id=actor.account_id,
                key=self.key,
                method=self.method,
                path=self.path,
                request_hash=self.request_hash,
            )
            .on_conflict_do_nothing(constraint="uq_idempotency_key_account_key")
            .returning(col(IdempotencyKey.id))
        )
        claimed = await session.scalar(claim)
        if claimed is None:
            await self._replay(session, same_key)
        result = await create()
        if response is not None and response.status_code:
            status_code = response.status_code
        await session.execute(
            sa.update(IdempotencyKey)
            .where(col(IdempotencyKey.id) == claimed)
            .values(status_code=status_code, response_body=jsonable_encoder(result))
            .execution_options(synchronize_session=False)
        )
        return result

    async def _replay(self, session: AsyncSession, same_key: Any) -> None:
        stmt = sa.select(
            col(IdempotencyKey.request_hash),
            col(IdempotencyKey.status_code),
            col(IdempotencyKey.response_body),
        ).where(same_key)
        stored = (await session.execute(stmt)).one_or_none()
        if stored is None or stored.status_code is None:
            raise Conflict(
                _("A request with this Idempotency-Key is still being processed; retry."),
                code="idempotency_key_in_use",
                field="Idempotency-Key",
            )
        if stored.request_hash != self.request_hash:
            raise ValidationFailed(
                _("This Idempotency-Key was already used for a different request."),
                code="idempotency_key_reused",
                field="Idempotency-Key",
            )
        raise IdempotentReplay(stored.status_code, stored.response_body)


async def idempotency(
    request: Request,
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            description="Send the same key to retry safely: the create happens once.",
        ),
    ] = None,
) -> Idempotency:
    """The request's `Idempotency-Key` and the fingerprint of its method, path and body."""
    body = await request.body()
    fingerprint = _fingerprint(request.method, request.url.path, body)
    return Idempotency(key, request.method, request.url.path, fingerprint)


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]
