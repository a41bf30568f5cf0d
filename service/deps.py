"""Dependencies declared once, as Annotated aliases."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import SYSTEM, Actor
from service.db import session_scope


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's transaction: committed before the response leaves."""
    async for session in session_scope(request.app.state.sessionmaker):
        yield session


# scope="function": the commit runs before the response is sent, so a failing commit
# answers an error instead of a 200.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


class PageParams(BaseModel):
    """Keyset page: how many rows, and the opaque cursor from the previous page."""

    limit: int
    cursor: str | None


def page_params(
    limit: Annotated[int, Query(ge=1, le=1000, description="Rows per page (1..1000).")] = 50,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


PageDep = Annotated[PageParams, Depends(page_params)]


def current_actor() -> Actor:
    """The acting account (authentication replaces this with the signed-in account)."""
    return SYSTEM


ActorDep = Annotated[Actor, Depends(current_actor)]
