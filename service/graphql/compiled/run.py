"""Answer a query with its plan: one statement for the compiled root fields, the
resolvers for the rest, merged in the document's order as JSON text.

A root connection's filter arguments become the `service.listing` conditions the
resolvers use (through `root_filters`), compiled to SQL with their values as bind
parameters."""

import json
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from graphql import GraphQLError, GraphQLSchema
from graphql.execution import get_argument_values, get_variable_values
from sqlalchemy.dialects.postgresql import psycopg
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.schema.types.base_scalars import DateTimeDefinition

from service.errors import ValidationFailed
from service.graphql import limits
from service.graphql.compiled.arguments import BIGINT, Unanswerable
from service.graphql.compiled.compiler import PageParams
from service.graphql.compiled.plans import Lru, Plan
from service.graphql.connections import after_id, page_size
from service.graphql.root_filters import root_conditions

NO_CURSOR = -(2**63)  # below every id: `id > NO_CURSOR` keeps every row

Resolve = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
Bound = tuple[str | None, dict[str, Any]]  # the statement (None: constants only), its parameters
Fetch = Callable[[str, dict[str, Any]], Awaitable[Sequence[str | None]]]  # the one row's texts

DIALECT = psycopg.dialect()  # the driver the app runs on: same casts, same placeholders
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Statements with their root pages' filters in place, by (plan, filters' SQL): a repeated
# pull with other values reuses the text.
STATEMENTS: Lru[tuple[str, tuple[str, ...]], str] = Lru(256)


def coerce(schema: GraphQLSchema, plan: Plan, raw: Mapping[str, Any] | None) -> Any:
    """The operation's variables coerced as graphql-core does; refused ones go back."""
    values = get_variable_values(schema, plan.operation.variable_definitions or (), dict(raw or {}))
    if isinstance(values, list):
        raise Unanswerable("variables")
    if limits.check(schema, plan.document, plan.name, dict(raw or {})):
        raise Unanswerable("limits")
    return values


def bind(plan: Plan, variables: Any) -> Bound:
    """The statement and the bind parameters of every connection and root filter,
    checked by the resolvers' own rules."""
    params: dict[str, Any] = {}
    filters: list[tuple[str, str]] = []
    for compiled in plan.compiled.values():
        for lookup in compiled.lookups:
            lookup.bind(variables, params)
        for page in compiled.pages:
            args = get_argument_values(page.definition, page.node, variables)
            if page.root is not None:
                filters.append((page.filters, _filters(page, args, params)))
            try:
                size, after = page_size(args.get("first")), after_id(args.get("after"))
            except ValidationFailed as exc:
                raise Unanswerable(exc.detail) from exc
            if after is not None and not -BIGINT <= after <= BIGINT:
                raise Unanswerable("cursor out of range")
            params[f"{page.prefix}_size"] = size
            params[f"{page.prefix}_after"] = NO_CURSOR if after is None else after
            params[f"{page.prefix}_has_after"] = after is not None
            page.bind_arguments(args, after, params)
    return _statement(plan, filters), params


def _filters(page: PageParams, args: Mapping[str, Any], params: dict[str, Any]) -> str:
    """The SQL of a root page's filter conditions; their values join `params`."""
    named = {_snake(name): value for name, value in args.items()}
    try:
        if named.get("updated_since") is not None:
            named["updated_since"] = _instant(named["updated_since"])
        conditions = root_conditions(str(page.root), named)
    except (ValidationFailed, GraphQLError) as exc:  # the resolvers give the error
        raise Unanswerable(str(exc)) from exc
    if not conditions:
        return "true"
    compiled = sa.and_(*conditions).compile(
        dialect=DIALECT, compile_kwargs={"render_postcompile": True}
    )
    prefix = f"{page.prefix}_f_"
    params.update({prefix + name: value for name, value in compiled.params.items()})
    return "(" + PLACEHOLDER.sub(lambda m: f"%({prefix}{m.group(1)})s", str(compiled)) + ")"


def _statement(plan: Plan, filters: list[tuple[str, str]]) -> str | None:
    """The plan's statement with the filters' SQL in place of their markers."""
    if plan.statement is None or not filters:
        return plan.statement
    key = (plan.statement, tuple(text for _, text in filters))
    statement = STATEMENTS.get(key)
    if statement is None:
        statement = plan.statement
        for marker, text in filters:
            statement = statement.replace(marker, text)
        STATEMENTS.put(key, statement)
    return statement


def _instant(value: Any) -> Any:
    """`value` parsed as the schema's DateTime scalar parses a variable."""
    parse = DateTimeDefinition.parse_value
    assert parse is not None
    return parse(value)


def _snake(name: str) -> str:
    return "".join("_" + char.lower() if char.isupper() else char for char in name)


async def session_row(session: AsyncSession, statement: str, params: dict[str, Any]) -> Any:
    """The statement's one row, run in the request's transaction."""
    connection = await session.connection()
    return (await connection.exec_driver_sql(statement, params)).one()


async def answer(plan: Plan, bound: Bound, fetch: Fetch, rest: Resolve, raw: Any) -> str:
    """The response body: PostgreSQL's JSON texts and the resolvers' part, merged."""
    texts = {key: c.constant for key, c in plan.compiled.items() if c.constant is not None}
    statement, params = bound
    if statement is not None:
        queried = [key for key, c in plan.compiled.items() if c.constant is None]
        row = await fetch(statement, params)
        texts.update({key: text or "null" for key, text in zip(queried, row, strict=True)})
    if plan.rest is None:
        return _whole(plan, texts)
    other = await rest(plan.rest, dict(raw or {}))
    data = other.get("data")
    if data is None:
        return json.dumps(other)  # a root field failed as non-null: no data at all
    parts = [
        f'"{key}":{texts[key] if key in texts else json.dumps(data[key])}' for key in plan.keys
    ]
    body = '{"data":{' + ",".join(parts) + "}"
    for name, value in other.items():
        if name != "data":
            body += f",{json.dumps(name)}:{json.dumps(value)}"
    return body + "}"


def _whole(plan: Plan, texts: Mapping[str, str | None]) -> str:
    """The body of a plan compiled whole, from its root fields' JSON texts."""
    return '{"data":{' + ",".join(f'"{key}":{texts[key]}' for key in plan.keys) + "}}"
