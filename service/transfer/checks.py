"""The checks that need the database: references, reporting cycles, lifecycle rules.

A reference is good when what it names is in the file or already in the database. A
constant number of queries whatever the file's size: each loads the keys it needs with
`= ANY(:keys)`.
"""

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.i18n import N_
from service.i18n import gettext as _
from service.initiatives import rules
from service.transfer import kpi_checks
from service.transfer.plan import Plan, Problems, Row, Sheet
from service.transfer.writes import array_literal

# Table a reference column points at -> the sheet holding those rows.
SHEET_OF = {
    "department": "departments",
    "person": "people",
    "kpi": "kpis",
    "initiative": "initiatives",
}
# List columns -> the sheet their codes point at.
LIST_REFS = {
    ("kpis", "department_codes"): "departments",
    ("kpis", "driver_codes"): "kpis",
    ("initiatives", "kpi_links"): "kpis",
    ("initiatives", "enables"): "initiatives",
    ("initiatives", "depends_on"): "initiatives",
    ("irritants", "initiative_codes"): "initiatives",
}
# What an unknown reference says, by the sheet it points at.
NAMED = {
    "departments": N_("No department with code '%(key)s' in the file or the database."),
    "people": N_("No person with email '%(key)s' in the file or the database."),
    "kpis": N_("No KPI with code '%(key)s' in the file or the database."),
    "initiatives": N_("No initiative with code '%(key)s' in the file or the database."),
}
SELF_LINK = {
    ("kpis", "driver_codes"): N_("A KPI cannot drive itself."),
    ("initiatives", "enables"): N_("An initiative cannot enable itself."),
    ("initiatives", "depends_on"): N_("An initiative cannot depend on itself."),
}
_KEYS_SQL = {
    "departments": "SELECT code FROM department WHERE code = ANY(CAST(:keys AS text[]))",
    "people": "SELECT email FROM person WHERE email = ANY(CAST(:keys AS text[]))",
    "kpis": "SELECT code FROM kpi WHERE code = ANY(CAST(:keys AS text[]))",
}
_INITIATIVES_SQL = """
SELECT code, status, orientation, client_share, lessons_learned, start_date, target_date
FROM initiative WHERE code = ANY(CAST(:keys AS text[]))
"""
_MANAGERS_SQL = "SELECT p.email, m.email FROM person p JOIN person m ON m.id = p.manager_id"


@dataclass
class Known:
    """What the database already holds, among the keys the file names."""

    keys: dict[str, set[str]] = field(default_factory=dict)
    initiatives: dict[str, Any] = field(default_factory=dict)
    managers: dict[str, str] = field(default_factory=dict)


async def check_against_database(session: AsyncSession, plan: Plan, problems: Problems) -> None:
    """Report unknown references, self links, reporting cycles and lifecycle breaches.

    The walks over every row run in a worker thread; only the queries run on the event loop.
    """
    wanted = await asyncio.to_thread(_wanted, plan)
    known = await _load(session, plan, wanted)
    await asyncio.to_thread(_check_all, plan, known, problems)
    await kpi_checks.check(session, plan, problems)


def _check_all(plan: Plan, known: Known, problems: Problems) -> None:
    _check_references(plan, known, problems)
    _check_cycles(plan, known, problems)
    _check_initiatives(plan, known, problems)


def _references(plan: Plan) -> Iterator[tuple[Sheet, Row, str, str, str]]:
    """(sheet, row, column, target sheet, key) of every reference in the file."""
    for sheet in plan.sheets.values():
        for column in sheet.entity.columns:
            if column.name not in sheet.present:
                continue
            target = SHEET_OF[column.ref[0]] if column.ref else None
            target = LIST_REFS.get((sheet.entity.name, column.name), target)
            if target is None:
                continue
            for row in sheet.rows:
                value = row.values.get(column.name)
                items = value if isinstance(value, list) else [value]
                for item in items:
                    key = item[0] if isinstance(item, tuple) else item
                    if key:
                        yield sheet, row, column.name, target, key


def _file_keys(plan: Plan, name: str) -> set[str]:
    sheet = plan.sheet(name)
    return {key[0] for key in sheet.keys} if sheet else set()


def _wanted(plan: Plan) -> dict[str, set[str]]:
    """The keys of each table the file names: its own rows and what they reference."""
    wanted: dict[str, set[str]] = {name: _file_keys(plan, name) for name in NAMED}
    for _sheet, _row, _column, target, key in _references(plan):
        wanted[target].add(key)
    return wanted


async def _load(session: AsyncSession, plan: Plan, wanted: dict[str, set[str]]) -> Known:
    known = Known()
    for name, sql in _KEYS_SQL.items():
        keys = {"keys": array_literal(sorted(wanted[name]))}
        found = (await session.scalars(text(sql), keys)).all() if wanted[name] else []
        known.keys[name] = set(found)
    codes = {"keys": array_literal(sorted(wanted["initiatives"]))}
    rows = (
        (await session.execute(text(_INITIATIVES_SQL), codes)).all()
        if wanted["initiatives"]
        else []
    )
    known.initiatives = {row.code: row for row in rows}
    known.keys["initiatives"] = set(known.initiatives)
    people = plan.sheet("people")
    if people is not None and "manager_email" in people.present:
        rows = (await session.execute(text(_MANAGERS_SQL))).all()
        known.managers = {email: manager for email, manager in rows}
    return known


def _check_references(plan: Plan, known: Known, problems: Problems) -> None:
    in_file = {name: _file_keys(plan, name) for name in NAMED}
    for sheet, row, column, target, key in _references(plan):
        target_sheet = plan.sheet(target)
        if target_sheet is not None and not target_sheet.usable:
            continue  # its key column is missing, already reported
        own = row.key(sheet.entity)
        if (sheet.entity.name, column) in SELF_LINK and own is not None and own[0] == key:
            problems.add(
                sheet.entity.name,
                row.number,
                column,
                _(SELF_LINK[(sheet.entity.name, column)]),
                "self_reference",
            )
        elif key not in in_file[target] and key not in known.keys[target]:
            message = _(NAMED[target]) % {"key": key}
            problems.add(sheet.entity.name, row.number, column, message, "unknown_reference")


def _check_cycles(plan: Plan, known: Known, problems: Problems) -> None:
    """Refuse a manager chain that loops, with the file's edges laid over the database's."""
    people = plan.sheet("people")
    if people is None or "manager_email" not in people.present:
        return
    edges = dict(known.managers)
    rows: dict[str, Row] = {}
    for row in people.rows:
        email = row.values.get("email")
        if email is None or "manager_email" not in row.values:
            continue
        rows.setdefault(email, row)
        manager = row.values["manager_email"]
        if manager == email:
            problems.add(
                "people",
                row.number,
                "manager_email",
                _("A person cannot be their own manager."),
                "self_reference",
            )
        elif manager:
            edges[email] = manager
        else:
            edges.pop(email, None)
    reported: set[frozenset[str]] = set()
    for cycle in _cycles(edges, list(rows)):
        if frozenset(cycle) in reported:
            continue
        reported.add(frozenset(cycle))
        first = min((rows[email] for email in cycle if email in rows), key=lambda r: r.number)
        start = first.values["email"]
        at = cycle.index(start)
        chain = [*cycle[at:], *cycle[:at], start]
        message = _("This manager makes a reporting cycle: %(chain)s.") % {
            "chain": " → ".join(chain)
        }
        problems.add("people", first.number, "manager_email", message, "manager_cycle")


def _cycles(edges: dict[str, str], starts: list[str]) -> Iterator[list[str]]:
    """Each loop reachable from `starts` by following `edges` upward (once per walk)."""
    settled: set[str] = set()
    for start in starts:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in settled and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = edges.get(node)
        if node is not None and node in on_path:
            yield path[path.index(node) :]
        settled.update(path)


def _check_initiatives(plan: Plan, known: Known, problems: Problems) -> None:
    """The initiative rules (service/initiatives/rules.py) on every row, as stored after it."""
    sheet = plan.sheet("initiatives")
    if sheet is None or not sheet.usable:
        return
    for row in sheet.rows:
        existing = known.initiatives.get(row.values["code"]) if "code" in row.values else None
        _check_initiative(sheet, row, existing, problems)
    sheet.present.add("client_share")


def _check_initiative(sheet: Sheet, row: Row, existing: Any, problems: Problems) -> None:
    def final(name: str) -> Any:
        if name in sheet.present:
            return row.values.get(name)
        if existing is not None:
            return getattr(existing, name)
        return sheet.entity.by_name[name].default

    orientation = row.values.get("orientation")
    if orientation is None:
        return
    keep = existing.client_share if existing and existing.orientation == orientation else None
    share, breach = rules.client_share(orientation, row.values.get("client_share"), keep=keep)
    row.values["client_share"] = share
    breaches = [breach] if breach else []
    breaches += rules.check(final, current_status=existing.status if existing else None)
    for found in breaches:
        column = found.field
        if column not in sheet.present and found.code == "lessons_learned_required":
            column = "status"
        problems.add("initiatives", row.number, column, found.message, found.code)
