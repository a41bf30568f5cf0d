"""SQL of the import's set-based writes, each with its audit events in the same statement.

Every write is one statement whatever the number of rows: the rows arrive as one array
per column (`unnest`), references are resolved by joins on natural keys, and a
data-modifying CTE appends one audit event per row written (`create`, `update` with only
the fields that changed, or `delete`). Rows whose values are already stored are not
rewritten: the upserts update only WHERE the columns are DISTINCT FROM the new ones.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from schema import metadata
from schema.base import is_derived
from service.transfer.columns import Column, Entity

_BOOKKEEPING = frozenset({"created_at", "updated_at"})
# Which entity a child row belongs to, for the audit trail's history of that entity.
PARENT = {
    "kpi_measurement": ("kpi", "kpi_id"),
    "progress_update": ("initiative", "initiative_id"),
    "kpi_department": ("kpi", "kpi_id"),
    "kpi_driver": ("kpi", "driven_kpi_id"),
    "initiative_kpi": ("initiative", "initiative_id"),
    "initiative_link": ("initiative", "from_id"),
    "initiative_irritant": ("initiative", "initiative_id"),
}


def array_literal(values: Iterable[Any]) -> str:
    """`values` as one PostgreSQL array literal: each element quoted, None as NULL.

    The statements cast it (`CAST(:c_x AS numeric[])`), so a 100,000-row column is bound
    as one text value built in a worker thread, not adapted element by element on the
    event loop.
    """
    return "{" + ",".join("NULL" if value is None else _quoted(value) for value in values) + "}"


def _quoted(value: Any) -> str:
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def item_cte(columns: Sequence[tuple[str, str]]) -> str:
    """`item` CTE: the rows as parallel arrays, one bind parameter `:c_<name>` per column
    (an `array_literal`)."""
    arrays = ", ".join(f"CAST(:c_{name} AS {sql_type}[])" for name, sql_type in columns)
    names = ", ".join(name for name, _ in columns)
    return f"item AS (SELECT * FROM unnest({arrays}) WITH ORDINALITY AS item({names}, ord))"


def _json(table: str, alias: str) -> str:
    """jsonb of a row's columns (money and decimals as exact strings), bookkeeping left out."""
    parts = []
    for column in metadata.tables[table].columns:
        if column.name in _BOOKKEEPING or is_derived(column):
            continue
        value = f"{alias}.{column.name}"
        if isinstance(column.type, sa.Numeric) and not isinstance(column.type, sa.Integer):
            value = f"CAST({value} AS text)"
        parts.append(f"'{column.name}', {value}")
    return f"jsonb_build_object({', '.join(parts)})"


def _changed(source: str, other: str) -> str:
    return (
        f"(SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each({source}) e"
        f" WHERE e.value IS DISTINCT FROM {other} -> e.key)"
    )


def audited(table: str, ctes: list[str], written: str, *, returning: str, prior: str | None) -> str:
    """The statement `written` (a DML returning `t.*, created`) plus its audit events.

    `prior` selects the rows as they were before (for updates); without it the events are
    creations, or deletions when `written` is a DELETE.
    """
    parent = PARENT.get(table)
    parent_type = f"'{parent[0]}'" if parent else "NULL"
    parent_id = f"w.{parent[1]}" if parent else "NULL"
    is_delete = written.lstrip().upper().startswith("DELETE")
    if is_delete:
        action, before, after = "'delete'", _json(table, "w"), "NULL"
        joins = ""
    elif prior is None:
        action, before, after = "'create'", "NULL", _json(table, "w")
        joins = ""
    else:
        action = "CASE WHEN w.created THEN 'create' ELSE 'update' END"
        before = f"CASE WHEN w.created THEN NULL ELSE {_changed('j.b', 'j.a')} END"
        after = f"CASE WHEN w.created THEN j.a ELSE {_changed('j.a', 'j.b')} END"
        joins = (
            " LEFT JOIN prior o ON o.id = w.id"
            f" CROSS JOIN LATERAL (SELECT {_json(table, 'o')} AS b, {_json(table, 'w')} AS a) j"
        )
    audit = (
        "audit AS (INSERT INTO audit_event (actor_account_id, actor_label, action, entity_type,"
        " entity_id, parent_type, parent_id, before, after, request_id)"
        f" SELECT CAST(:actor_account_id AS bigint), :actor_label, {action}, '{table}', w.id,"
        f" {parent_type}, {parent_id}, {before}, {after}, :request_id FROM written w{joins})"
    )
    all_ctes = [
        *ctes,
        *([f"prior AS ({prior})"] if prior else []),
        f"written AS ({written})",
        audit,
    ]
    return f"WITH {', '.join(all_ctes)} SELECT {returning} FROM written w"


@dataclass(frozen=True)
class Source:
    """The `src` CTE: item columns mapped to table columns, references joined."""

    sql: str
    columns: list[str]


def source(entity: Entity, columns: Sequence[Column]) -> Source:
    """`src` selecting table columns from `item`, references resolved by natural key."""
    selects: list[str] = []
    joins: list[str] = []
    for index, column in enumerate(columns):
        assert column.target is not None
        if column.ref is None:
            selects.append(f"item.{column.name} AS {column.target}")
            continue
        table, key = column.ref
        alias = f"r{index}"
        joins.append(f" LEFT JOIN {table} {alias} ON {alias}.{key} = item.{column.name}")
        selects.append(f"{alias}.id AS {column.target}")
    # `ord` keeps the file's row order, so new rows get their ids in that order.
    sql = f"src AS (SELECT {', '.join(selects)}, item.ord FROM item{''.join(joins)})"
    return Source(sql, [column.target for column in columns if column.target])


def upsert(entity: Entity, columns: Sequence[Column], updated: Sequence[str]) -> str:
    """INSERT ... ON CONFLICT (natural key) DO UPDATE the `updated` columns where they differ."""
    src = source(entity, columns)
    keys = [entity.by_name[name].target for name in entity.key]
    names = ", ".join(src.columns)
    match = " AND ".join(f"t.{key} = src.{key}" for key in keys)
    prior = f"SELECT t.* FROM {entity.table} t JOIN src ON {match}"
    conflict = f"ON CONFLICT ({', '.join(str(k) for k in keys)})"
    if updated:
        sets = ", ".join(f"{name} = excluded.{name}" for name in updated)
        old = ", ".join(f"t.{name}" for name in updated)
        new = ", ".join(f"excluded.{name}" for name in updated)
        conflict += (
            f" DO UPDATE SET {sets}, updated_at = now(), version = t.version + 1"
            f" WHERE ({old}) IS DISTINCT FROM ({new})"
        )
    else:
        conflict += " DO NOTHING"
    written = (
        f"INSERT INTO {entity.table} AS t ({names}) SELECT {names} FROM src ORDER BY ord"
        f" {conflict}"
        " RETURNING t.*, (t.xmax = 0) AS created"
    )
    item = item_cte([(c.name, c.sql_type) for c in columns])
    return audited(entity.table, [item, src.sql], written, returning="w.id, w.created", prior=prior)


def insert_new(entity: Entity, columns: Sequence[Column]) -> str:
    """INSERT the rows whose natural key is not stored yet (append-only check-ins)."""
    src = source(entity, columns)
    names = ", ".join(src.columns)
    keys = [entity.by_name[name].target or name for name in entity.key]
    match = " AND ".join(f"p.{key} = src.{key}" for key in keys)
    written = (
        f"INSERT INTO {entity.table} AS t ({names}) SELECT {names} FROM src"
        f" WHERE NOT EXISTS (SELECT 1 FROM {entity.table} p WHERE {match}) ORDER BY ord"
        " RETURNING t.*, true AS created"
    )
    item = item_cte([(c.name, c.sql_type) for c in columns])
    return audited(entity.table, [item, src.sql], written, returning="w.id, w.created", prior=None)


def set_reference(entity: Entity, column: Column) -> str:
    """UPDATE one reference column (a manager, a head) of the rows where it changes."""
    assert column.ref is not None and column.target is not None
    key = entity.by_name[entity.key[0]]
    table, ref_key = column.ref
    target = column.target
    item = item_cte([(key.name, "text"), (column.name, "text")])
    src = (
        f"src AS (SELECT item.{key.name} AS key, r.id AS ref FROM item"
        f" LEFT JOIN {table} r ON r.{ref_key} = item.{column.name})"
    )
    prior = f"SELECT t.* FROM {entity.table} t JOIN src ON t.{key.target} = src.key"
    written = (
        f"UPDATE {entity.table} AS t SET {target} = src.ref, updated_at = now(),"
        f" version = t.version + 1 FROM src WHERE t.{key.target} = src.key"
        f" AND t.{target} IS DISTINCT FROM src.ref RETURNING t.*, false AS created"
    )
    return audited(entity.table, [item, src], written, returning="w.id", prior=prior)
