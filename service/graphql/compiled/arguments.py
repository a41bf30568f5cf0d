"""Arguments bound per request, checked by the resolvers' own rules.

A value the resolvers would refuse (or read differently) raises `Unanswerable`, and
the request runs through the resolvers, which give their answer and their error.
"""

from collections.abc import Mapping
from typing import Any

from strawberry.schema.types.base_scalars import DateDefinition

BIGINT = 2**63 - 1


class Unanswerable(Exception):
    """The compiled path would not give the resolver path's answer: let the resolvers."""


def day(value: Any) -> Any:
    """`value` parsed as the schema's Date scalar parses it (None stays None)."""
    if value is None:
        return None
    parse = DateDefinition.parse_value
    assert parse is not None
    try:
        return parse(value)
    except Exception as exc:  # the scalar's own error comes from the resolver path
        raise Unanswerable("date") from exc


def row_id(value: int) -> int:
    """A database id the statement can bind (a bigint)."""
    if not -BIGINT <= value <= BIGINT:
        raise Unanswerable("id out of range")
    return value


def text(value: Any) -> str:
    """A string PostgreSQL can bind (no NUL character)."""
    if not isinstance(value, str) or "\x00" in value:
        raise Unanswerable("text")
    return value


PARSERS = {"date": day}


def bind_page(
    prefix: str,
    ordered: bool,
    ranges: tuple[tuple[str, str, str], ...],
    args: Mapping[str, Any],
    after: int | None,
    params: dict[str, Any],
) -> None:
    """A nested page's `order` and range arguments (e.g. measured `from`/`to`).

    A descending page walks `-id`: its cursor is negated into that order.
    """
    if ordered:
        descending = args.get("order") == "DESC"
        params[f"{prefix}_desc"] = descending
        if descending and after is not None:
            params[f"{prefix}_after"] = -after
    for name, _, kind in ranges:
        params[f"{prefix}_r_{name}"] = PARSERS[kind](args.get(name))
