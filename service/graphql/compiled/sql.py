"""SQL expressions that write values the way the GraphQL scalars of the schema do."""

from service.graphql.compiled.fields import DATE, DATETIME, DECIMAL

# `datetime.isoformat()`: microseconds only when not zero, the offset as +HH:MM.
_DATETIME = (
    "(to_char({x}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
    " || CASE WHEN mod(date_part('microseconds', {x})::bigint, 1000000) = 0"
    " THEN '' ELSE to_char({x}, '.US') END || to_char({x}, 'TZH:TZM'))"
)


def leaf(expression: str, kind: str) -> str:
    """`expression` written as its scalar serializes it (null stays null)."""
    if kind == DECIMAL:
        return f"({expression})::text"  # str(Decimal) of a numeric of scale <= 6
    if kind == DATE:
        return f"to_char({expression}, 'YYYY-MM-DD')"
    if kind == DATETIME:
        return _DATETIME.format(x=expression)
    return expression


def string(value: str) -> str:
    """A SQL string literal of a GraphQL name (letters, digits and underscores only)."""
    if not value.replace("_", "").isalnum():
        raise ValueError(f"not a GraphQL name: {value!r}")
    return f"'{value}'"


def global_id(type_name: str, id_expression: str) -> str:
    """`service.graphql.ids.encode_id`: base64 of "Type:id"."""
    return f"encode(convert_to('{type_name}:' || {id_expression}, 'UTF8'), 'base64')"


def cursor(id_expression: str) -> str:
    """`service.pagination.encode_cursor`: unpadded URL-safe base64 of {"after":id}."""
    raw = f"""encode(convert_to('{{"after":' || {id_expression} || '}}', 'UTF8'), 'base64')"""
    return f"rtrim(translate({raw}, '+/', '-_'), '=')"
