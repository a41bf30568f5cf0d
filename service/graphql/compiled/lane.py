"""/graphql's short way for repeated reads.

A query whose plan is already made and compiled whole (no resolver field), sent with a
bearer token this process already holds, is answered here: one statement on an
autocommit connection of the read pool, PostgreSQL's JSON text as the body. The answer
is the one the full path gives (the same plan, binding and writing, `run.answer`), only
without the framework around it: no dependency solving, no ORM session, one round trip
to the database instead of four (pool check, BEGIN, the statement, COMMIT).

Anything else goes on to the full path unchanged, its body replayed: a document seen for
the first time (the full path plans it), resolver fields, errors of any kind (the full
path words them), a cookie or a token not held (the full path checks it and holds it),
a database error (the full path runs the statement again and answers as it does).

It sits inside every middleware, so the request id, logs, metrics, headers, locale and
body limit apply as to any request. It runs only where the application serves with its
lifespan (the read pool is opened there).
"""

from typing import Any
from urllib.parse import parse_qsl

import psycopg
from psycopg_pool import AsyncConnectionPool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.auth import authenticate
from service.graphql.bounds import DocumentLimits
from service.graphql.compiled import params, persisted
from service.graphql.compiled.planner import Planner
from service.graphql.compiled.run import Fetch, Unanswerable, answer
from service.observability import metrics

PATH = "/graphql"
HEADERS = [(b"content-type", b"application/json")]


class CompiledLane:
    """Answers held-credential reads of compiled plans before the framework does."""

    def __init__(self, app: ASGIApp, planner: Planner) -> None:
        self.app = app
        self.planner = planner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        pool: AsyncConnectionPool | None = getattr(state, "read_pool", None)
        token = _bearer(scope)
        if pool is None or token is None or getattr(state, "credential_cache", None) is None:
            await self.app(scope, receive, send)
            return
        body, replay = await _read(scope, receive)
        found = _params(scope, body)
        answered = None
        if found is not None:
            answered = await self._answer(scope, state, token, found, pool)
        if answered is None:
            await self.app(scope, replay, send)
            return
        scope[metrics.ANSWERED_AS] = PATH  # counted and logged as /graphql's route
        length = str(len(answered)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [*HEADERS, (b"content-length", length)],
            }
        )
        await send({"type": "http.response.body", "body": answered})

    async def _answer(
        self, scope: Scope, state: Any, token: str, found: dict[str, Any], pool: AsyncConnectionPool
    ) -> bytes | None:
        """The response body, or None when the full path must answer."""
        operation_name, variables = found.get("operationName"), found.get("variables")
        if not isinstance(operation_name, str | None) or not isinstance(variables, dict | None):
            return None
        try:
            query = self.planner.queries.resolve(found, DocumentLimits.of(state.settings).max_bytes)
        except persisted.PersistedQueryError:
            return None
        if not isinstance(query, str):
            return None
        ready = self.planner.cached(query, operation_name, variables or {})
        if ready is None or ready.plan.rest is not None:
            return None
        try:
            bound = ready.bind(self.planner.schema, variables)
        except Unanswerable:
            return None
        request_id = scope.get("state", {}).get("request_id")
        if authenticate.held_token(state.credential_cache, token, request_id) is None:
            return None
        try:
            text = await answer(ready.plan, bound, _fetcher(pool), _no_rest, variables)
        except psycopg.Error:
            return None
        metrics.graphql_operation(ready.plan.name, "query")
        return text.encode()


def _fetcher(pool: AsyncConnectionPool) -> Fetch:
    """The statement's one row, on an autocommit connection of the read pool."""

    async def fetch(statement: str, values: dict[str, Any]) -> Any:
        async with pool.connection() as connection:
            cursor = await connection.execute(statement, values)
            return await cursor.fetchone()

    return fetch


async def _no_rest(document: str, raw: dict[str, Any]) -> dict[str, Any]:
    raise AssertionError("a plan with resolver fields never takes the lane")


def _bearer(scope: Scope) -> str | None:
    """The bearer token of the Authorization header, as the full path reads it."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            return credentials if scheme.lower() == "bearer" and credentials else None
    return None


def _params(scope: Scope, body: bytes) -> dict[str, Any] | None:
    if scope["method"] == "GET":
        return params.from_query(
            dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
        )
    if scope["method"] != "POST":
        return None
    for name, value in scope["headers"]:
        if name == b"content-type":
            return params.from_body(body) if params.is_json(value.decode("latin-1")) else None
    return None


async def _read(scope: Scope, receive: Receive) -> tuple[bytes, Receive]:
    """The whole body, and a `receive` that gives it again to the full path."""
    if scope["method"] != "POST":
        return b"", receive
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client left: the full path sees it
            pending: list[Message] = [message]
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            pending = []
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            if pending:
                return pending[0]
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
