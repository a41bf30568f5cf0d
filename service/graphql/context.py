"""The per-request context: the request's session, the actor and fresh loaders."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.fastapi import BaseContext

from service.actor import Actor, Role
from service.deps import api_actor
from service.errors import Forbidden
from service.graphql.batches import Loaders

R = TypeVar("R")


class Context(BaseContext):
    """One request: its transaction, who acts, and loaders that live only this long."""

    def __init__(self, session: AsyncSession, actor: Actor) -> None:
        super().__init__()
        self.session = session
        self.actor = actor
        # Resolvers run concurrently but one session runs one statement at a time.
        self._lock = asyncio.Lock()
        self.loaders = Loaders(self.rows, self.read)

    async def rows(self, statement: Any) -> Sequence[Any]:
        """Run a SELECT on the request's session and return every row."""
        async with self._lock:
            return (await self.session.execute(statement)).all()

    async def scalar(self, statement: Any) -> Any:
        """Run a SELECT returning one value."""
        async with self._lock:
            return await self.session.scalar(statement)

    async def call(self, func: Callable[..., Awaitable[R]], *args: Any, **kwargs: Any) -> R:
        """Call a service function with the session and the actor (writes go through here)."""
        # The REST rule for writes: bi_reader reads only; a cookie session needs CSRF.
        if isinstance(self.request, Request):
            await api_actor(self.request, self.actor)
        elif self.actor.role is Role.bi_reader:
            raise Forbidden(f"{self.actor.label} (bi_reader) reads only.", code="forbidden")
        async with self._lock:
            return await func(self.session, self.actor, *args, **kwargs)

    async def read(self, func: Callable[..., Awaitable[R]], *args: Any, **kwargs: Any) -> R:
        """Call a read-only service function with the session."""
        async with self._lock:
            return await func(self.session, *args, **kwargs)
