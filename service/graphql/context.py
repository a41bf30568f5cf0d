"""The per-request context: the request's session, the actor and fresh loaders."""

import asyncio
import functools
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.fastapi import BaseContext

from service.actor import Actor, Role
from service.deps import api_actor
from service.errors import Forbidden
from service.graphql.batches import Loaders
from service.i18n import gettext as _

R = TypeVar("R")


class Context(BaseContext):
    """One request: its transaction, who acts, and loaders that live only this long."""

    def __init__(self, session: AsyncSession, actor: Actor) -> None:
        super().__init__()
        self.session = session
        self.actor = actor
        # Resolvers run concurrently but one session runs one statement at a time.
        self._lock = asyncio.Lock()
        self._running: set[asyncio.Task[Any]] = set()

    @functools.cached_property
    def loaders(self) -> Loaders:
        """The request's loaders, built when a resolver first needs one."""
        return Loaders(self.rows, self.read)

    async def _whole(self, work: Awaitable[R]) -> R:
        """Run `work` under the session's lock to its end, even if its caller is cancelled.

        graphql-core cancels the sibling root fields when a non-null one fails; a statement
        cut off mid-flight would leave the request's transaction unusable. Cancelled
        callers stop waiting, and `settle` waits for what they left running.
        """

        async def locked() -> R:
            async with self._lock:
                return await work

        task = asyncio.ensure_future(locked())
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return await asyncio.shield(task)

    async def settle(self) -> None:
        """Wait for every statement still running (those of cancelled resolvers)."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def rows(self, statement: Any) -> Sequence[Any]:
        """Run a SELECT on the request's session and return every row."""
        return (await self._whole(self.session.execute(statement))).all()

    async def scalar(self, statement: Any) -> Any:
        """Run a SELECT returning one value."""
        return await self._whole(self.session.scalar(statement))

    async def call(self, func: Callable[..., Awaitable[R]], *args: Any, **kwargs: Any) -> R:
        """Call a service function with the session and the actor (writes go through here)."""
        # The REST rule for writes: bi_reader reads only; a cookie session needs CSRF.
        if isinstance(self.request, Request):
            await api_actor(self.request, self.actor)
        elif self.actor.role is Role.bi_reader:
            raise Forbidden(
                _("%(actor)s (bi_reader) reads only.") % {"actor": self.actor.label},
                code="forbidden",
            )
        return await self._whole(func(self.session, self.actor, *args, **kwargs))

    async def read(self, func: Callable[..., Awaitable[R]], *args: Any, **kwargs: Any) -> R:
        """Call a read-only service function with the session."""
        return await self._whole(func(self.session, *args, **kwargs))
