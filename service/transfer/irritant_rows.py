"""The `irritants` sheet: its account check and its set-based writes (columns and rules in
`service.transfer.irritant_columns`).

Irritants have no unique natural key in the database, so the rows are written in two
statements, each with its audit events: update the irritants matched on department and
title where a value differs, then insert the others (counting each new irritant's raiser's
vote). The `initiative_codes` lists then replace the stored links; the database keeps the
status between open and addressed (schema/irritant.py).
"""

import asyncio
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service import i18n
from service.actor import Actor
from service.i18n import gettext as _
from service.transfer import headers, writes
from service.transfer.irritant_columns import IRRITANTS
from service.transfer.payloads import EntityCounts
from service.transfer.plan import Plan, Problems, Row, Sheet

_ACCOUNTS_SQL = "SELECT lower(email) FROM account WHERE lower(email) = ANY(CAST(:keys AS text[]))"
_ROW = ("description", "process", "severity", "status", "status_reason", "raised_by")
_ITEM = (
    ("department_code", "text"),
    ("title", "text"),
    ("description", "text"),
    ("process", "text"),
    ("severity", "text"),
    ("status", "text"),
    ("status_reason", "text"),
    ("raised_by_email", "text"),
    ("raised_at", "timestamptz"),
)
_SRC = (
    "src AS (SELECT d.id AS department_id, item.title, item.description, item.process,"
    " item.severity, item.status, item.status_reason, a.id AS raised_by, item.raised_at,"
    " item.ord FROM item JOIN department d ON d.code = item.department_code"
    " LEFT JOIN account a ON lower(a.email) = item.raised_by_email)"
)
_MATCH = "t.department_id = src.department_id AND t.title = src.title"
# Closed when the file says so; otherwise what the database derives from the links.
_STATUS = "CASE WHEN src.status = 'closed' THEN 'closed' ELSE irritant_open_status(t.id) END"
_VOTES_SQL = """
WITH vote AS (
    INSERT INTO irritant_vote (irritant_id, account_id)
    SELECT i, a FROM unnest(CAST(:ids AS bigint[]), CAST(:accounts AS bigint[])) AS v(i, a)
    ON CONFLICT DO NOTHING RETURNING irritant_id, account_id)
INSERT INTO audit_event (actor_account_id, actor_label, action, entity_type, entity_id,
    parent_type, parent_id, before, after, request_id)
SELECT CAST(:actor_account_id AS bigint), :actor_label, 'vote', 'irritant_vote',
    v.irritant_id, 'irritant', v.irritant_id, NULL,
    jsonb_build_object('account_id', v.account_id), :request_id
FROM vote v
RETURNING entity_id
"""
_LINK_ITEM = (("department_code", "text"), ("title", "text"), ("initiative_code", "text"))
_LINK_CTES = [
    writes.item_cte(_LINK_ITEM),
    "owner AS (SELECT * FROM unnest(CAST(:owner_departments AS text[]),"
    " CAST(:owner_titles AS text[])) AS owner(department_code, title))",
    "scope AS (SELECT t.id FROM irritant t JOIN department d ON d.id = t.department_id"
    " JOIN owner o ON o.department_code = d.code AND o.title = t.title)",
    "desired AS (SELECT t.id AS irritant_id, i.id AS initiative_id FROM item"
    " JOIN department d ON d.code = item.department_code"
    " JOIN irritant t ON t.department_id = d.id AND t.title = item.title"
    " JOIN initiative i ON i.code = item.initiative_code)",
]
_UNLINK_SQL = (
    "DELETE FROM initiative_irritant AS l USING scope s WHERE l.irritant_id = s.id"
    " AND NOT EXISTS (SELECT 1 FROM desired d WHERE d.irritant_id = l.irritant_id"
    " AND d.initiative_id = l.initiative_id) RETURNING l.*, false AS created"
)
_LINK_SQL = (
    "INSERT INTO initiative_irritant AS t (initiative_id, irritant_id)"
    " SELECT initiative_id, irritant_id FROM desired ON CONFLICT DO NOTHING"
    " RETURNING t.*, true AS created"
)

_UNLINK, _LINK = (
    writes.audited("initiative_irritant", _LINK_CTES, sql, returning="w.irritant_id", prior=None)
    for sql in (_UNLINK_SQL, _LINK_SQL)
)
_CLOSED_SQL = """
SELECT d.code, r.title FROM irritant r JOIN department d ON d.id = r.department_id
JOIN unnest(CAST(:departments AS text[]), CAST(:titles AS text[])) AS k(code, title)
  ON k.code = d.code AND k.title = r.title
WHERE r.status = 'closed'
"""


async def check(session: AsyncSession, plan: Plan, problems: Problems) -> None:
    """Report unknown raisers (an irritant is raised by an account) and closings or
    reopenings without a reason. Departments and initiatives are checked with every other
    reference."""
    sheet = plan.sheet(IRRITANTS.name)
    if sheet is None or not sheet.usable:
        return
    given = [row for row in sheet.rows if row.values.get("raised_by_email")]
    emails = sorted({row.values["raised_by_email"] for row in given})
    found: set[str] = set()
    if emails:
        params = {"keys": writes.array_literal(emails)}
        found = set((await session.scalars(text(_ACCOUNTS_SQL), params)).all())
    for row in given:
        email = row.values["raised_by_email"]
        if email not in found:
            message = _(
                "No account with email '%(email)s': leave it blank when nobody is recorded."
            ) % {"email": email}
            problems.add(IRRITANTS.name, row.number, "raised_by_email", message, "unknown_account")
    if sheet.present & {"status", "status_reason"}:
        closed = await _closed(session, sheet)
        for row in sheet.rows:
            _check_reason(row, row.key(IRRITANTS) in closed, problems)


async def _closed(session: AsyncSession, sheet: Sheet) -> set[tuple[Any, ...]]:
    """The (department code, title) of the sheet's irritants that are closed now."""
    keys = [row.key(IRRITANTS) for row in sheet.rows]
    known = [key for key in keys if key is not None]
    if not known:
        return set()
    params = {
        "departments": writes.array_literal(key[0] for key in known),
        "titles": writes.array_literal(key[1] for key in known),
    }
    return {tuple(row) for row in (await session.execute(text(_CLOSED_SQL), params)).all()}


def _check_reason(row: Row, was_closed: bool, problems: Problems) -> None:
    """Closing and reopening need a reason, as on every other surface."""
    status = row.values.get("status")
    closed = status == "closed" if status is not None else was_closed
    if str(row.values.get("status_reason") or "").strip():
        return
    if closed and ("status_reason" in row.values or not was_closed):
        message = _("A closed irritant needs a %(column)s: say why it is closed.")
    elif was_closed and not closed:
        message = _("Reopening a closed irritant needs a %(column)s: say why it is reopened.")
    else:
        return
    message %= {"column": headers.header("status_reason", i18n.current())}
    problems.add(IRRITANTS.name, row.number, "status_reason", message, "reason_required")


async def write(session: AsyncSession, actor: Actor, plan: Plan) -> EntityCounts | None:
    """Write the irritants sheet; its counts, or None when the file has no irritant rows."""
    sheet = plan.sheet(IRRITANTS.name)
    if sheet is None or not sheet.rows:
        return None
    run = _Runner(session, actor)
    params = await asyncio.to_thread(_arrays, sheet)
    updated: set[int] = set()
    columns = [name for name in _ROW if _given(sheet, name)]
    if columns:
        updated |= {row.id for row in await run(_update_sql(columns), params)}
    new = await run(_insert_sql(), params)
    created = {row.id for row in new}
    voters = [(row.id, row.raised_by) for row in new if row.raised_by is not None]
    if voters:
        ids = writes.array_literal(voter[0] for voter in voters)
        accounts = writes.array_literal(voter[1] for voter in voters)
        await run(_VOTES_SQL, {"ids": ids, "accounts": accounts})
    if "initiative_codes" in sheet.present:
        link_params = await asyncio.to_thread(_link_arrays, sheet)
        for sql in (_UNLINK, _LINK):
            updated |= {row.irritant_id for row in await run(sql, link_params)}
    changed = len(updated - created)
    unchanged = len(sheet.rows) - len(created) - changed
    return EntityCounts(created=len(created), updated=changed, unchanged=unchanged)


class _Runner:
    """Runs the statements of one import, with the actor its audit events name."""

    def __init__(self, session: AsyncSession, actor: Actor) -> None:
        self.session = session
        self.audit = {
            "actor_account_id": actor.account_id,
            "actor_label": actor.label,
            "request_id": actor.request_id,
        }

    async def __call__(self, sql: str, params: dict[str, Any]) -> list[Any]:
        result = await self.session.execute(text(sql), params | self.audit)
        return list(await asyncio.to_thread(result.all))


def _given(sheet: Sheet, name: str) -> bool:
    """Whether the file sets table column `name` (from the sheet column that targets it)."""
    return any(c.target == name and c.name in sheet.present for c in IRRITANTS.columns)


def _update_sql(columns: list[str]) -> str:
    """UPDATE the irritants matched on department and title where a given value differs."""
    values = ", ".join(
        f"{_STATUS if name == 'status' else 'src.' + name} AS {name}" for name in columns
    )
    new = f"new AS (SELECT t.id, {values} FROM irritant t JOIN src ON {_MATCH})"
    names = ", ".join(columns)
    old = ", ".join(f"t.{name}" for name in columns)
    fresh = ", ".join(f"n.{name}" for name in columns)
    written = (
        f"UPDATE irritant AS t SET ({names}) = ROW({fresh}), updated_at = now(),"
        " version = t.version + 1 FROM new n WHERE t.id = n.id"
        f" AND ({old}) IS DISTINCT FROM ({fresh}) RETURNING t.*, false AS created"
    )
    prior = "SELECT t.* FROM irritant t JOIN new n ON n.id = t.id"
    ctes = [writes.item_cte(_ITEM), _SRC, new]
    return writes.audited("irritant", ctes, written, returning="w.id", prior=prior)


def _insert_sql() -> str:
    """INSERT the irritants no department and title match (open unless the file closes them)."""
    names = ", ".join(("department_id", "title", *_ROW, "raised_at"))
    values = (
        "src.department_id, src.title, src.description, src.process, src.severity,"
        " CASE WHEN src.status = 'closed' THEN 'closed' ELSE 'open' END, src.status_reason,"
        " src.raised_by, coalesce(src.raised_at, now())"
    )
    written = (
        f"INSERT INTO irritant AS t ({names}) SELECT {values} FROM src"
        " WHERE NOT EXISTS (SELECT 1 FROM irritant p WHERE p.department_id = src.department_id"
        " AND p.title = src.title) ORDER BY src.ord"
        " RETURNING t.*, true AS created"
    )
    ctes = [writes.item_cte(_ITEM), _SRC]
    return writes.audited("irritant", ctes, written, returning="w.id, w.raised_by", prior=None)


def _arrays(sheet: Sheet) -> dict[str, str]:
    """One array literal per item column (its default where the file has no such column)."""
    by_name = IRRITANTS.by_name
    return {
        f"c_{name}": writes.array_literal(
            row.values.get(name, by_name[name].default) for row in sheet.rows
        )
        for name, _ in _ITEM
    }


def _link_arrays(sheet: Sheet) -> dict[str, str]:
    """The irritants whose links are replaced, and one array per listed link field."""
    listed = [
        (row.values["department_code"], row.values["title"], code)
        for row in sheet.rows
        for code in row.values.get("initiative_codes") or []
    ]
    return {
        "owner_departments": writes.array_literal(r.values["department_code"] for r in sheet.rows),
        "owner_titles": writes.array_literal(r.values["title"] for r in sheet.rows),
        **{
            f"c_{name}": writes.array_literal(item[index] for item in listed)
            for index, (name, _) in enumerate(_LINK_ITEM)
        },
    }
