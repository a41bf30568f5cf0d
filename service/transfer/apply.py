"""Write a checked plan in the caller's transaction, matching rows on their natural keys.

Order: departments, people, then the references that may point forward in the file
(department heads, managers), KPIs and their lists, initiatives and their lists,
measurements, check-ins, then irritants and their links (`service.transfer.
irritant_rows`). A constant number of statements per sheet, whatever its size.
Imports run one at a time (a transaction-level advisory lock).
"""

import asyncio
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import Actor
from service.transfer import irritant_rows, rationales, writes
from service.transfer.children import (
    INITIATIVE_KPIS,
    INITIATIVE_KPIS_EXPLAINED,
    INITIATIVE_LINKS,
    KPI_DEPARTMENTS,
    KPI_DRIVERS,
    Child,
)
from service.transfer.columns import CHECKINS, ENTITIES, Column, Entity
from service.transfer.payloads import EntityCounts
from service.transfer.plan import Plan, Sheet

LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('cdo-portfolio.import'))"


@dataclass
class Tally:
    """Ids created and updated in one entity's table."""

    created: set[int] = field(default_factory=set)
    updated: set[int] = field(default_factory=set)

    def add(self, written: list[Any]) -> None:
        """Tally rows returned by a write (`id`, `created`)."""
        for row in written:
            (self.created if row.created else self.updated).add(row.id)

    def counts(self, rows: int) -> EntityCounts:
        """Created / updated / unchanged out of the sheet's `rows`."""
        updated = len(self.updated - self.created)
        return EntityCounts(
            created=len(self.created), updated=updated, unchanged=rows - len(self.created) - updated
        )


class Writer:
    """Runs the writes of one import and tallies what they touched."""

    def __init__(self, session: AsyncSession, actor: Actor, plan: Plan) -> None:
        self.session = session
        self.plan = plan
        self.actor_params = {
            "actor_account_id": actor.account_id,
            "actor_label": actor.label,
            "request_id": actor.request_id,
        }
        self.tallies = {entity.name: Tally() for entity in ENTITIES}

    async def _run(self, sql: str, params: dict[str, Any]) -> list[Any]:
        result = await self.session.execute(text(sql), params | self.actor_params)
        return list(await asyncio.to_thread(result.all))  # a row per row written: off the loop

    def _sheet(self, name: str) -> Sheet | None:
        sheet = self.plan.sheet(name)
        return sheet if sheet is not None and sheet.rows else None

    async def rows(self, entity: Entity) -> None:
        """Upsert (or, for check-ins, insert when new) every row of the entity's sheet."""
        sheet = self._sheet(entity.name)
        if sheet is None:
            return
        columns = [c for c in entity.columns if c.target and c.name not in entity.deferred]
        params = await asyncio.to_thread(_arrays, sheet, columns)
        if entity is CHECKINS:
            sql = writes.insert_new(entity, columns)
        else:
            updated = [
                c.target
                for c in columns
                if c.target and c.name in sheet.present and c.name not in entity.key
            ]
            sql = writes.upsert(entity, columns, updated)
        written = await self._run(sql, params)
        await asyncio.to_thread(self.tallies[entity.name].add, written)

    async def reference(self, entity: Entity, name: str) -> None:
        """Set a reference that may point forward in the file (a head, a manager)."""
        sheet = self._sheet(entity.name)
        if sheet is None or name not in sheet.present:
            return
        column = entity.by_name[name]
        params = await asyncio.to_thread(_arrays, sheet, [entity.by_name[entity.key[0]], column])
        for row in await self._run(writes.set_reference(entity, column), params):
            self.tallies[entity.name].updated.add(row.id)

    async def children(
        self,
        entity: Entity,
        child: Child,
        items: list[tuple[Any, ...]],
        kinds: list[str] | None = None,
    ) -> None:
        """Replace the stored list of each row of the sheet with the file's list."""
        sheet = self._sheet(entity.name)
        if sheet is None:
            return
        params = await asyncio.to_thread(_child_arrays, sheet, child, items, kinds or [])
        tally = self.tallies[entity.name]
        for sql in (child.delete_sql(), child.write_sql()):
            for row in await self._run(sql, params):
                tally.updated.add(row[0])


def _arrays(sheet: Sheet, columns: list[Column]) -> dict[str, str]:
    """One array literal per column (its default where the file has no such column)."""
    return {
        f"c_{column.name}": writes.array_literal(
            row.values.get(column.name, column.default) for row in sheet.rows
        )
        for column in columns
    }


def _child_arrays(
    sheet: Sheet, child: Child, items: list[tuple[Any, ...]], kinds: list[str]
) -> dict[str, str]:
    """The owners whose lists are replaced, the kinds replaced, and one array per item field."""
    owners = sorted({row.values[sheet.entity.key[0]] for row in sheet.rows})
    params = {"owners": writes.array_literal(owners), "kinds": writes.array_literal(kinds)}
    for index, (name, _) in enumerate(child.item):
        params[f"c_{name}"] = writes.array_literal(item[index] for item in items)
    return params


def _listed(sheet: Sheet | None, name: str) -> list[tuple[Any, ...]]:
    """(owner key, item, position) of every item of list column `name`."""
    if sheet is None or name not in sheet.present:
        return []
    key = sheet.entity.key[0]
    return [
        (row.values[key], item, position)
        for row in sheet.rows
        for position, item in enumerate(row.values.get(name) or [])
    ]


async def apply_plan(session: AsyncSession, actor: Actor, plan: Plan) -> dict[str, EntityCounts]:
    """Write every sheet of `plan`; the created / updated / unchanged counts per entity
    (irritants counted when the file holds irritant rows)."""
    await session.execute(text(LOCK_SQL))
    writer = Writer(session, actor, plan)
    departments, people, kpis, initiatives, measurements, checkins = ENTITIES
    await writer.rows(departments)
    await writer.rows(people)
    await writer.reference(departments, "head_email")
    await writer.reference(people, "manager_email")
    await writer.rows(kpis)
    kpi_sheet = plan.sheet("kpis")
    if kpi_sheet is not None and "department_codes" in kpi_sheet.present:
        await writer.children(kpis, KPI_DEPARTMENTS, _listed(kpi_sheet, "department_codes"))
    if kpi_sheet is not None and "driver_codes" in kpi_sheet.present:
        drivers = [(owner, code) for owner, code, _ in _listed(kpi_sheet, "driver_codes")]
        await writer.children(kpis, KPI_DRIVERS, drivers)
    await writer.rows(initiatives)
    await _initiative_lists(writer, initiatives, plan.sheet("initiatives"))
    await writer.rows(measurements)
    await writer.rows(checkins)
    counts = {
        entity.name: writer.tallies[entity.name].counts(len(plan.sheets[entity.name].rows))
        if entity.name in plan.sheets
        else EntityCounts()
        for entity in ENTITIES
    }
    irritants = await irritant_rows.write(session, actor, plan)
    return counts if irritants is None else counts | {"irritants": irritants}


async def _initiative_lists(writer: Writer, entity: Entity, sheet: Sheet | None) -> None:
    if sheet is None:
        return
    if "kpi_links" in sheet.present:
        links = [(owner, code, weight) for owner, (code, weight), _ in _listed(sheet, "kpi_links")]
        if rationales.COLUMN in sheet.present:
            explained = await asyncio.to_thread(rationales.explained, writer.plan, links)
            await writer.children(entity, INITIATIVE_KPIS_EXPLAINED, explained)
        else:
            await writer.children(entity, INITIATIVE_KPIS, links)
    kinds: list[str] = [kind for kind in ("enables", "depends_on") if kind in sheet.present]
    if kinds:
        items = [(owner, kind, code) for kind in kinds for owner, code, _ in _listed(sheet, kind)]
        await writer.children(entity, INITIATIVE_LINKS, items, kinds)
