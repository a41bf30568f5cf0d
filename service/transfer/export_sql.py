"""The export queries: one per sheet, columns in sheet order, references by natural key.

A sheet's query follows from its columns (service.transfer.columns): a table column is
read as it is, a reference as the natural key of the row it points at, so a new column is
exported with no edit here. Only the `|` lists are written here, joined with `|` in SQL.
Rows are sorted on the natural key in the "C" collation (then the id), so two databases
holding the same portfolio export the same bytes whatever their ids.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from service.transfer.columns import ENTITIES, Entity
from service.transfer.irritant_columns import IMPORTED

# The alias of the sheet's own table in its query (the lists join on it).
ROW = "t"


@dataclass(frozen=True)
class Lists:
    """How a sheet's `|` lists are read: CTEs, their joins to the row, each list's value."""

    ctes: str
    joins: str
    columns: Mapping[str, str]


LISTS: dict[str, Lists] = {
    "kpis": Lists(
        ctes="""
WITH departments AS (
    SELECT kd.kpi_id, string_agg(d.code, '|' ORDER BY kd.position) AS codes
    FROM kpi_department kd JOIN department d ON d.id = kd.department_id
    GROUP BY kd.kpi_id
), drivers AS (
    SELECT kr.driven_kpi_id AS kpi_id,
           string_agg(k2.code, '|' ORDER BY k2.code COLLATE "C") AS codes
    FROM kpi_driver kr JOIN kpi k2 ON k2.id = kr.driver_kpi_id
    GROUP BY kr.driven_kpi_id
)""",
        joins="""LEFT JOIN departments ON departments.kpi_id = t.id
LEFT JOIN drivers ON drivers.kpi_id = t.id""",
        columns={
            "department_codes": "coalesce(departments.codes, '')",
            "driver_codes": "coalesce(drivers.codes, '')",
        },
    ),
    "initiatives": Lists(
        ctes="""
WITH kpi_links AS (
    SELECT ik.initiative_id,
           string_agg(k.code || ':' || CAST(trim_scale(ik.weight) AS text), '|'
                      ORDER BY k.code COLLATE "C") AS links,
           -- `|` and `\\` in a rationale escaped as the import reads them (cells.explained_codes)
           string_agg(k.code || ': '
                      || replace(replace(ik.rationale, '\\', '\\\\'), '|', '\\|'), '|'
                      ORDER BY k.code COLLATE "C") FILTER (WHERE ik.rationale <> '')
               AS rationales
    FROM initiative_kpi ik JOIN kpi k ON k.id = ik.kpi_id
    GROUP BY ik.initiative_id
), links AS (
    SELECT l.from_id,
           string_agg(o.code, '|' ORDER BY o.code COLLATE "C")
               FILTER (WHERE l.kind = 'enables') AS enables,
           string_agg(o.code, '|' ORDER BY o.code COLLATE "C")
               FILTER (WHERE l.kind = 'depends_on') AS depends_on
    FROM initiative_link l JOIN initiative o ON o.id = l.to_id
    GROUP BY l.from_id
)""",
        joins="""LEFT JOIN kpi_links ON kpi_links.initiative_id = t.id
LEFT JOIN links ON links.from_id = t.id""",
        columns={
            "kpi_links": "coalesce(kpi_links.links, '')",
            "kpi_rationales": "coalesce(kpi_links.rationales, '')",
            "enables": "coalesce(links.enables, '')",
            "depends_on": "coalesce(links.depends_on, '')",
        },
    ),
}


def sheet_sql(entity: Entity, lists: Lists | None = None) -> str:
    """The query of an entity's sheet: its columns in sheet order, sorted on its key."""
    values: dict[str, str] = {}
    joins: list[str] = []
    for position, column in enumerate(entity.columns):
        if column.ref is not None:
            table, key = column.ref
            alias = f"r{position}"
            join = "JOIN" if column.required else "LEFT JOIN"
            joins.append(f"{join} {table} {alias} ON {alias}.id = {ROW}.{column.target}")
            values[column.name] = f"{alias}.{key}"
        elif column.target is not None:
            values[column.name] = f"{ROW}.{column.target}"
        else:  # a list: its query is written in LISTS
            values[column.name] = (lists.columns if lists else {})[column.name]
    selected = ",\n       ".join(
        value if value == f"{ROW}.{name}" else f"{value} AS {name}"
        for name, value in values.items()
    )
    collated = {c.name: ' COLLATE "C"' if c.sql_type == "text" else "" for c in entity.columns}
    order = ", ".join([*(values[k] + collated[k] for k in entity.key), f"{ROW}.id"])
    if lists is not None:
        joins.append(lists.joins)
    return "\n".join(
        [
            *([lists.ctes] if lists is not None else []),
            f"SELECT {selected}",
            f"FROM {entity.table} {ROW}",
            *joins,
            f"ORDER BY {order}",
        ]
    )


SHEET_SQL: dict[str, str] = {
    **{entity.name: sheet_sql(entity, LISTS.get(entity.name)) for entity in ENTITIES},
    # Votes as a count (who voted stays in the database).
    "irritants": """
SELECT d.code AS department_code, r.title, r.description, r.process, r.severity, r.status,
       r.status_reason, a.email AS raised_by_email,
       to_char(r.raised_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS raised_at,
       r.vote_count AS votes,
       (SELECT string_agg(i.code, '|' ORDER BY i.code COLLATE "C")
        FROM initiative_irritant l JOIN initiative i ON i.id = l.initiative_id
        WHERE l.irritant_id = r.id) AS initiative_codes
FROM irritant r
JOIN department d ON d.id = r.department_id
LEFT JOIN account a ON a.id = r.raised_by
ORDER BY d.code COLLATE "C", r.title COLLATE "C", r.id
""",
}

COUNT_SQL: dict[str, str] = {e.name: f"SELECT count(*) FROM {e.table}" for e in IMPORTED}
