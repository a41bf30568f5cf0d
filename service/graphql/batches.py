"""The loaders of one request: each relation is one batched SELECT, never a query per row."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import Select

import schema
from service.audit import service as audit
from service.errors import ValidationFailed
from service.graphql.connections import any_of, per_key
from service.graphql.loaders import ChildPages, Loader, ServicePages, many, one
from service.graphql.types.analytics import Flag, PortfolioBalance
from service.graphql.types.audit import AuditEventNode
from service.graphql.types.decisions import ChangeRequestNode, DecisionLoaders, change_request
from service.graphql.types.initiatives import InitiativeKpiNode, InitiativeNode, ProgressUpdateNode
from service.graphql.types.kpis import KpiMeasurementNode, KpiNode
from service.graphql.types.org import DepartmentNode, PersonNode
from service.i18n import gettext as _
from service.portfolio import service as analytics

Rows = Callable[[Any], Awaitable[Sequence[Any]]]
Read = Callable[..., Awaitable[Any]]

# A reporting-line roll-up is one analytics query per person: bounded per request.
MAX_ROLL_UPS = 50
ALL_FLAGS = 1_000_000


def table(model: Any) -> sa.Table:
    """The Core table of a model."""
    return cast(sa.Table, model.__table__)


department = table(schema.Department)
person = table(schema.Person)
initiative = table(schema.Initiative)
initiative_kpi = table(schema.InitiativeKpi)
initiative_link = table(schema.InitiativeLink)
kpi = table(schema.Kpi)
kpi_department = table(schema.KpiDepartment)
kpi_driver = table(schema.KpiDriver)
measurement = table(schema.KpiMeasurement)
update = table(schema.ProgressUpdate)
audit_event = table(schema.AuditEvent)

# Fact rows carry the code of what they are about, so BI tools need no join.
UPDATES = sa.select(update, initiative.c.code.label("initiative_code")).join_from(
    update, initiative, initiative.c.id == update.c.initiative_id
)
MEASUREMENTS = sa.select(measurement, kpi.c.code.label("kpi_code")).join_from(
    measurement, kpi, kpi.c.id == measurement.c.kpi_id
)


def _none() -> None:
    return None


class Loaders:
    """Every loader of a request, sharing the request's serialised `rows` executor."""

    def __init__(self, rows: Rows, read: Read) -> None:
        self._rows = rows
        self._read = read
        self.initiative_flags: Loader[int, list[Flag]] = Loader(self._initiative_flags, list)
        self.line_balance: Loader[tuple[int, str, tuple[str, ...]], Any] = Loader(
            self._line_balances, _none
        )
        self.department = self._by_id(sa.select(department), department.c.id, DepartmentNode)
        self.person = self._by_id(sa.select(person), person.c.id, PersonNode)
        self.initiative = self._by_id(sa.select(initiative), initiative.c.id, InitiativeNode)
        self.kpi = self._by_id(sa.select(kpi), kpi.c.id, KpiNode)
        self.progress_update = self._by_id(UPDATES, update.c.id, ProgressUpdateNode)
        self.kpi_measurement = self._by_id(MEASUREMENTS, measurement.c.id, KpiMeasurementNode)
        self.audit_event = self._by_id(sa.select(audit_event), audit_event.c.id, AuditEventNode)
        requests = change_request
        self.change_request = self._by_id(sa.select(requests), requests.c.id, ChangeRequestNode)
        self.decisions = DecisionLoaders(rows)
        self.reports: Loader[int, list[PersonNode]] = Loader(self._reports, list)
        self.chain: Loader[int, list[PersonNode]] = Loader(self._chain, list)
        self.department_kpis: Loader[int, list[KpiNode]] = Loader(self._department_kpis, list)
        self.kpi_departments: Loader[int, list[DepartmentNode]] = Loader(
            self._kpi_departments, list
        )
        self.kpi_drivers: Loader[int, list[KpiNode]] = Loader(self._drivers_of, list)
        self.kpi_driven: Loader[int, list[KpiNode]] = Loader(self._driven_by, list)
        self.initiative_kpis: Loader[int, list[InitiativeKpiNode]] = Loader(
            self._initiative_kpis, list
        )
        self.links_from: Loader[int, list[Any]] = Loader(self._links_from, list)
        self.links_to: Loader[int, list[Any]] = Loader(self._links_to, list)
        self.latest_update: Loader[int, Any] = Loader(self._latest_update, _none)
        self.latest_measurement: Loader[int, Any] = Loader(self._latest_measurement, _none)
        self.department_people = self._pages(
            sa.select(person), person.c.department_id, person.c.id, PersonNode.from_row
        )
        self.department_initiatives = self._pages(
            sa.select(initiative),
            initiative.c.department_id,
            initiative.c.id,
            self._initiative_node,
            lambda stmt, f: stmt.where(any_of(initiative.c.status, f[0])) if f else stmt,
        )
        self.owned_initiatives = self._pages(
            sa.select(initiative), initiative.c.owner_id, initiative.c.id, self._initiative_node
        )
        self.initiative_updates = self._pages(
            UPDATES, update.c.initiative_id, update.c.id, ProgressUpdateNode.from_row
        )
        self.kpi_measurements = self._pages(
            MEASUREMENTS,
            measurement.c.kpi_id,
            measurement.c.id,
            KpiMeasurementNode.from_row,
            _measured_between,
        )
        self.kpi_initiatives = self._pages(
            sa.select(initiative_kpi),
            initiative_kpi.c.kpi_id,
            initiative_kpi.c.id,
            InitiativeKpiNode.from_row,
        )
        self.department_history = self._history("department")
        self.person_history = self._history("person")
        self.initiative_history = self._history("initiative")
        self.kpi_history = self._history("kpi")

    def _by_id(self, base: Select[Any], id_column: Any, node: Any) -> Loader[int, Any]:
        async def fetch(keys: list[int]) -> dict[int, Any]:
            rows = await self._rows(base.where(any_of(id_column, keys)))
            return {row.id: node.from_row(row) for row in rows}

        return Loader(fetch, _none)

    def _pages(self, base: Select[Any], parent: Any, order: Any, convert: Any, *f: Any) -> Any:
        return ChildPages(self._rows, base, parent, order, convert, *f)

    def _history(self, entity_type: str) -> ServicePages:
        """Pages of the audit history of entities of `entity_type`, one statement a batch."""

        async def fetch(ids: list[int], limit: int, cursor: str | None) -> Any:
            return await self._read(audit.histories, entity_type, ids, limit=limit, cursor=cursor)

        async def count(ids: list[int]) -> Any:
            return await self._read(audit.count_histories, entity_type, ids)

        return ServicePages(fetch, count, AuditEventNode.from_row)

    def _initiative_node(self, row: Any) -> InitiativeNode:
        node = InitiativeNode.from_row(row)
        self.initiative.put(node.database_id, node)
        return node

    def _kpi_node(self, row: Any) -> KpiNode:
        node = KpiNode.from_row(row)
        self.kpi.put(node.database_id, node)
        return node

    async def _reports(self, keys: list[int]) -> dict[int, list[PersonNode]]:
        stmt = sa.select(person).where(any_of(person.c.manager_id, keys)).order_by(person.c.id)
        grouped = many(await self._rows(stmt), lambda row: row.manager_id)
        return {key: [PersonNode.from_row(row) for row in rows] for key, rows in grouped.items()}

    async def _chain(self, keys: list[int]) -> dict[int, list[PersonNode]]:
        start = (
            sa.select(
                person.c.id.label("start_id"),
                person.c.manager_id.label("boss_id"),
                sa.literal(1).label("depth"),
            )
            .where(any_of(person.c.id, keys), person.c.manager_id.is_not(None))
            .cte("chain", recursive=True)
        )
        up = person.alias("up")
        chain = start.union_all(
            sa.select(start.c.start_id, up.c.manager_id, start.c.depth + 1)
            .join_from(start, up, up.c.id == start.c.boss_id)
            .where(up.c.manager_id.is_not(None), start.c.depth < 100)
        )
        stmt = (
            sa.select(person, chain.c.start_id)
            .join_from(chain, person, person.c.id == chain.c.boss_id)
            .order_by(chain.c.start_id, chain.c.depth)
        )
        grouped = many(await self._rows(stmt), lambda row: row.start_id)
        return {key: [PersonNode.from_row(row) for row in rows] for key, rows in grouped.items()}

    async def _department_kpis(self, keys: list[int]) -> dict[int, list[KpiNode]]:
        stmt = (
            sa.select(kpi, kpi_department.c.department_id)
            .join_from(kpi, kpi_department, kpi_department.c.kpi_id == kpi.c.id)
            .where(any_of(kpi_department.c.department_id, keys))
            .order_by(kpi.c.id)
        )
        grouped = many(await self._rows(stmt), lambda row: row.department_id)
        return {key: [self._kpi_node(row) for row in rows] for key, rows in grouped.items()}

    async def _kpi_departments(self, keys: list[int]) -> dict[int, list[DepartmentNode]]:
        stmt = (
            sa.select(department, kpi_department.c.kpi_id)
            .join_from(
                department, kpi_department, kpi_department.c.department_id == department.c.id
            )
            .where(any_of(kpi_department.c.kpi_id, keys))
            .order_by(kpi_department.c.kpi_id, kpi_department.c.position)
        )
        grouped = many(await self._rows(stmt), lambda row: row.kpi_id)
        return {
            key: [DepartmentNode.from_row(row) for row in rows] for key, rows in grouped.items()
        }

    async def _kpis_via_driver(self, keys: list[int], *, drivers: bool) -> dict[int, list[KpiNode]]:
        this, other = (
            (kpi_driver.c.driven_kpi_id, kpi_driver.c.driver_kpi_id)
            if drivers
            else (kpi_driver.c.driver_kpi_id, kpi_driver.c.driven_kpi_id)
        )
        stmt = (
            sa.select(kpi, this.label("of_kpi_id"))
            .join_from(kpi, kpi_driver, other == kpi.c.id)
            .where(any_of(this, keys))
            .order_by(kpi.c.id)
        )
        grouped = many(await self._rows(stmt), lambda row: row.of_kpi_id)
        return {key: [self._kpi_node(row) for row in rows] for key, rows in grouped.items()}

    async def _drivers_of(self, keys: list[int]) -> dict[int, list[KpiNode]]:
        return await self._kpis_via_driver(keys, drivers=True)

    async def _driven_by(self, keys: list[int]) -> dict[int, list[KpiNode]]:
        return await self._kpis_via_driver(keys, drivers=False)

    async def _initiative_kpis(self, keys: list[int]) -> dict[int, list[InitiativeKpiNode]]:
        stmt = (
            sa.select(
                kpi,
                initiative_kpi.c.id.label("link_id"),
                initiative_kpi.c.initiative_id,
                initiative_kpi.c.weight,
                initiative_kpi.c.rationale,
            )
            .join_from(initiative_kpi, kpi, kpi.c.id == initiative_kpi.c.kpi_id)
            .where(any_of(initiative_kpi.c.initiative_id, keys))
            .order_by(initiative_kpi.c.initiative_id, kpi.c.id)
        )
        found: dict[int, list[InitiativeKpiNode]] = {}
        for row in await self._rows(stmt):
            self._kpi_node(row)
            link = InitiativeKpiNode(
                database_id=row.link_id,
                initiative_id=row.initiative_id,
                kpi_id=row.id,
                weight=row.weight,
                rationale=row.rationale,
            )
            found.setdefault(row.initiative_id, []).append(link)
        return found

    async def _links(self, keys: list[int], *, outgoing: bool) -> dict[int, list[Any]]:
        this, other = (
            (initiative_link.c.from_id, initiative_link.c.to_id)
            if outgoing
            else (initiative_link.c.to_id, initiative_link.c.from_id)
        )
        stmt = (
            sa.select(initiative, initiative_link.c.kind, this.label("of_initiative_id"))
            .join_from(initiative_link, initiative, initiative.c.id == other)
            .where(any_of(this, keys))
            .order_by(initiative.c.id)
        )
        grouped = many(await self._rows(stmt), lambda row: row.of_initiative_id)
        return {
            key: [(row.kind, self._initiative_node(row)) for row in rows]
            for key, rows in grouped.items()
        }

    async def _links_from(self, keys: list[int]) -> dict[int, list[Any]]:
        return await self._links(keys, outgoing=True)

    async def _links_to(self, keys: list[int]) -> dict[int, list[Any]]:
        return await self._links(keys, outgoing=False)

    async def _initiative_flags(self, keys: list[int]) -> dict[int, list[Flag]]:
        found = await self._read(analytics.list_flags, initiatives=keys, limit=ALL_FLAGS)
        flags: dict[int, list[Flag]] = {}
        for flag in found.items:
            if flag.entity_id is not None:
                flags.setdefault(flag.entity_id, []).append(Flag.from_public(flag))
        return flags

    async def _line_balances(
        self, keys: list[tuple[int, str, tuple[str, ...]]]
    ) -> dict[tuple[int, str, tuple[str, ...]], PortfolioBalance]:
        if len(keys) > MAX_ROLL_UPS:
            raise ValidationFailed(
                _(
                    "At most %(max)s reporting-line roll-ups per request (asked %(n)s); page"
                    " through people with a smaller `first`."
                )
                % {"max": MAX_ROLL_UPS, "n": len(keys)},
                code="too_many_roll_ups",
                field="portfolio",
            )
        balances = {}
        for person_id, weight, statuses in keys:
            balance = await self._read(
                analytics.compute_balance,
                weight=weight,
                statuses=list(statuses) or None,
                owner_line=person_id,
            )
            balances[(person_id, weight, statuses)] = PortfolioBalance.from_public(balance)
        return balances

    async def _latest_update(self, keys: list[int]) -> dict[int, ProgressUpdateNode]:
        # The database keeps the id of each initiative's latest check-in on the initiative.
        stmt = UPDATES.where(any_of(initiative.c.id, keys))
        rows = await self._rows(stmt.where(update.c.id == initiative.c.last_check_in_id))
        return {row.initiative_id: ProgressUpdateNode.from_row(row) for row in rows}

    async def _latest_measurement(self, keys: list[int]) -> dict[int, KpiMeasurementNode]:
        latest = [measurement.c.measured_on.desc()]
        stmt = per_key(MEASUREMENTS, measurement.c.kpi_id, keys, latest, 1)
        found = one(await self._rows(stmt), lambda row: row.kpi_id)
        return {key: KpiMeasurementNode.from_row(row) for key, row in found.items()}


def _measured_between(stmt: Select[Any], filters: tuple[Any, ...]) -> Select[Any]:
    if not filters:
        return stmt
    since, until = filters
    if since is not None:
        stmt = stmt.where(measurement.c.measured_on >= since)
    if until is not None:
        stmt = stmt.where(measurement.c.measured_on <= until)
    return stmt
