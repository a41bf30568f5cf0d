"""The checks that need the database: references, reporting cycles, lifecycle rules.

A reference is good when what it names is in the file or already in the database. A
constant number of queries whatever the file's size: each loads the keys it needs with
`= ANY(:keys)`.
"""

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from schema.enums import TRANSITIONS, InitiativeStatus, Orientation
from service.transfer.plan import Plan, Problems, Row, Sheet
from service.transfer.writes import array_literal

CLIENT_SHARE = {
    Orientation.client_facing: Decimal("1"),
    Orientation.internal: Decimal("0"),
    Orientation.hybrid: Decimal("0.5"),
}
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
}
NAMED = {
    "departments": "department with code",
    "people": "person with email",
    "kpis": "KPI with code",
    "initiatives": "initiative with code",
}
SELF_LINK = {
    ("kpis", "driver_codes"): "A KPI cannot drive itself.",
    ("initiatives", "enables"): "An initiative cannot enable itself.",
    ("initiatives", "depends_on"): "An initiative cannot depend on itself.",
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
    for _, _, _, target, key in _references(plan):
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
                SELF_LINK[(sheet.entity.name, column)],
                "self_reference",
            )
        elif key not in in_file[target] and key not in known.keys[target]:
            message = f"No {NAMED[target]} '{key}' in the file or the database."
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
                "A person cannot be their own manager.",
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
        message = f"This manager makes a reporting cycle: {' → '.join(chain)}."
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
    """Client share by orientation, lessons learned when stopped, dates, status moves."""
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
    row.values["client_share"] = _client_share(sheet, row, orientation, existing, problems)
    status = final("status")
    if status == InitiativeStatus.stopped and not (final("lessons_learned") or "").strip():
        column = "lessons_learned" if "lessons_learned" in sheet.present else "status"
        message = "A stopped initiative needs lessons learned: say what the attempt taught."
        problems.add("initiatives", row.number, column, message, "lessons_learned_required")
    start, target = final("start_date"), final("target_date")
    if start is not None and target is not None and target < start:
        message = f"target_date {target} is before start_date {start}."
        problems.add("initiatives", row.number, "target_date", message, "target_before_start")
    if existing is not None and status is not None and status != existing.status:
        current = InitiativeStatus(existing.status)
        if status not in TRANSITIONS[current]:
            allowed = ", ".join(s for s in InitiativeStatus if s in TRANSITIONS[current]) or "none"
            message = (
                f"{existing.code} is {current} in the database and cannot move to {status}"
                f" (allowed from {current}: {allowed})."
            )
            problems.add("initiatives", row.number, "status", message, "invalid_transition")


def _client_share(
    sheet: Sheet, row: Row, orientation: str, existing: Any, problems: Problems
) -> Decimal | None:
    """The share to store: fixed unless hybrid; a hybrid keeps its stored share if blank."""
    given = row.values.get("client_share")
    fixed = CLIENT_SHARE[Orientation(orientation)]
    if orientation != Orientation.hybrid:
        if given is not None and given != fixed:
            message = (
                f"client_share is {fixed} for {_article(orientation)} {orientation}"
                " initiative; only a hybrid initiative takes a share between 0 and 1."
            )
            problems.add(
                "initiatives", row.number, "client_share", message, "client_share_not_settable"
            )
        return fixed
    if given is not None:
        return Decimal(given)
    if existing is not None and existing.orientation == Orientation.hybrid:
        return Decimal(existing.client_share)
    return fixed


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"
