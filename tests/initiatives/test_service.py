"""Service functions of the initiatives domain, called directly."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schema.enums import InitiativeStatus
from service.actor import SYSTEM
from service.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from service.initiatives import checkins, links, rules, service
from service.initiatives.payloads import (
    CheckInCreate,
    InitiativeCreate,
    InitiativeFilter,
    InitiativeUpdate,
    KpiLinkPut,
    LinkCreate,
)
from tests.conftest import QueryCounter
from tests.factories import make_department, make_initiative, make_kpi, make_person, make_update
from tests.initiatives.helpers import id_of


class TestAllowedMoves:
    def test_lists_moves_in_lifecycle_order(self) -> None:
        assert rules.allowed_moves(InitiativeStatus.on_hold) == [
            InitiativeStatus.in_progress,
            InitiativeStatus.done,
            InitiativeStatus.stopped,
        ]

    def test_closed_statuses_have_none(self) -> None:
        assert rules.allowed_moves(InitiativeStatus.done) == []
        assert rules.allowed_moves(InitiativeStatus.stopped) == []


class TestCreateInitiative:
    async def test_hybrid_defaults_to_half(self, session: AsyncSession) -> None:
        department = await make_department(session)
        owner = await make_person(session, department_id=department.id)
        data = InitiativeCreate(
            code="INI-9",
            title="Shared budget tool",
            department_id=department.id,
            owner_id=owner.id,
            orientation="hybrid",
        )
        row = await service.create_initiative(session, SYSTEM, data)
        assert (row.status, row.client_share, row.budget_planned) == (
            "proposed",
            Decimal("0.5000"),
            Decimal("0.00"),
        )
        assert (row.health, row.last_update_on) == (None, None)


class TestUpdateInitiative:
    async def test_refused_transition_names_the_allowed_moves(self, session: AsyncSession) -> None:
        initiative = await make_initiative(session, status="approved")
        with pytest.raises(InvalidTransition) as refused:
            await service.update_initiative(
                session, SYSTEM, id_of(initiative), InitiativeUpdate(status="on_hold")
            )
        assert (refused.value.code, refused.value.status, refused.value.field) == (
            "invalid_transition",
            409,
            "status",
        )
        assert refused.value.extra == {
            "from_status": "approved",
            "to_status": "on_hold",
            "allowed": ["in_progress", "stopped"],
        }

    async def test_status_and_lessons_in_one_change(self, session: AsyncSession) -> None:
        initiative = await make_initiative(session, status="approved")
        row = await service.update_initiative(
            session,
            SYSTEM,
            id_of(initiative),
            InitiativeUpdate(status="stopped", lessons_learned="No user asked for it."),
        )
        assert (row.status, row.lessons_learned, row.version) == (
            "stopped",
            "No user asked for it.",
            2,
        )


class TestDeleteInitiative:
    async def test_refuses_started_initiative(self, session: AsyncSession) -> None:
        initiative = await make_initiative(session, status="in_progress")
        with pytest.raises(Conflict) as refused:
            await service.delete_initiative(session, SYSTEM, id_of(initiative))
        assert refused.value.code == "not_deletable"


class TestListInitiatives:
    async def test_one_statement_whatever_the_filters(
        self, session: AsyncSession, queries: QueryCounter
    ) -> None:
        initiative = await make_initiative(session, status="on_hold")
        await make_update(session, initiative, reported_on=date(2026, 5, 1), percent_complete=60)
        queries.reset()
        filters = InitiativeFilter(
            status=["on_hold", "in_progress"], q="ini", updated_since="2000-01-01T00:00:00Z"
        )
        rows = await service.list_initiatives(session, filters, limit=10)
        assert queries.count == 1
        assert [(r.id, r.percent_complete, r.last_update_on) for r in rows] == [
            (initiative.id, 60, date(2026, 5, 1))
        ]


class TestGetInitiativeView:
    async def test_missing_is_not_found(self, session: AsyncSession) -> None:
        with pytest.raises(NotFound) as missing:
            await service.get_initiative_view(session, 987654)
        assert missing.value.code == "initiative_not_found"


class TestKpiLinks:
    async def test_put_reports_creation_once(self, session: AsyncSession) -> None:
        initiative = await make_initiative(session)
        kpi = await make_kpi(session)
        data = KpiLinkPut(weight=Decimal("0.3"))
        first, created = await links.put_kpi_link(
            session, SYSTEM, id_of(initiative), id_of(kpi), data
        )
        again, created_again = await links.put_kpi_link(
            session, SYSTEM, id_of(initiative), id_of(kpi), data
        )
        assert (created, created_again) == (True, False)
        assert (again.id, again.version, again.weight) == (first.id, 1, Decimal("0.3000"))


class TestCreateLink:
    async def test_refuses_self_link(self, session: AsyncSession) -> None:
        initiative = await make_initiative(session)
        with pytest.raises(ValidationFailed) as refused:
            await links.create_link(
                session, SYSTEM, id_of(initiative), LinkCreate(kind="enables", to_id=initiative.id)
            )
        assert (refused.value.code, refused.value.field) == ("self_link", "to_id")


class TestCreateCheckin:
    async def test_refuses_closed_initiative(self, session: AsyncSession) -> None:
        initiative = await make_initiative(session, status="done")
        data = CheckInCreate(percent_complete=100, health="green", summary="Shipped.")
        with pytest.raises(Conflict) as refused:
            await checkins.create_checkin(session, SYSTEM, id_of(initiative), data)
        assert refused.value.code == "initiative_closed"

    async def test_keeps_latest_spending_when_omitted(self, session: AsyncSession) -> None:
        initiative = await make_initiative(session)
        await make_update(session, initiative, spent_to_date=Decimal("75.25"))
        data = CheckInCreate(
            reported_on=date(2026, 11, 5), percent_complete=55, health="amber", summary="Slower."
        )
        checkin = await checkins.create_checkin(session, SYSTEM, id_of(initiative), data)
        assert (checkin.spent_to_date, checkin.reported_on) == (
            Decimal("75.25"),
            date(2026, 11, 5),
        )
