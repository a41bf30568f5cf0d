"""import_file: what a valid file writes, counts, audits, and what it refuses."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import Actor, Role
from service.errors import Forbidden
from tests.conftest import QueryCounter
from tests.factories import make_department, make_initiative, make_person
from tests.transfer.helpers import FILES, counted, counts, problem, problems_of, run, zipped


async def rows(session: AsyncSession, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in (await session.execute(text(sql))).all()]


class TestImport:
    async def test_a_whole_portfolio_is_written(self, session: AsyncSession) -> None:
        report = await run(session, zipped(FILES), "portfolio.zip")
        assert report.model_dump() == {
            "ok": True,
            "dry_run": False,
            "problems": [],
            "counts": counted(
                departments=(2, 0, 0),
                people=(2, 0, 0),
                kpis=(2, 0, 0),
                initiatives=(2, 0, 0),
                measurements=(1, 0, 0),
                checkins=(1, 0, 0),
            ),
        }
        assert await rows(
            session,
            "SELECT d.code, h.email FROM department d LEFT JOIN person h ON h.id = d.head_id"
            " ORDER BY d.code",
        ) == [("hr", "amina@example.com"), ("it", None)]
        assert await rows(
            session,
            "SELECT p.email, m.email, d.code, p.is_active FROM person p"
            " LEFT JOIN person m ON m.id = p.manager_id JOIN department d ON d.id = p.department_id"
            " ORDER BY p.email",
        ) == [
            ("amina@example.com", None, "hr", True),
            ("bob@example.com", "amina@example.com", "it", True),
        ]
        assert await rows(
            session,
            "SELECT k.code, d.code, kd.position FROM kpi_department kd"
            " JOIN kpi k ON k.id = kd.kpi_id JOIN department d ON d.id = kd.department_id"
            " ORDER BY k.code, kd.position",
        ) == [("ENPS", "hr", 0), ("NPS", "hr", 0), ("NPS", "it", 1)]
        assert await rows(
            session,
            "SELECT a.code, b.code FROM kpi_driver r JOIN kpi a ON a.id = r.driver_kpi_id"
            " JOIN kpi b ON b.id = r.driven_kpi_id",
        ) == [("ENPS", "NPS")]
        assert await rows(
            session,
            "SELECT code, status, orientation, client_share, budget_planned FROM initiative"
            " ORDER BY code",
        ) == [
            ("INI-1", "in_progress", "internal", Decimal("0.0000"), Decimal("100.50")),
            ("INI-2", "approved", "hybrid", Decimal("0.7000"), Decimal("2000.00")),
        ]
        assert await rows(
            session,
            "SELECT i.code, k.code, ik.weight, ik.rationale FROM initiative_kpi ik"
            " JOIN initiative i ON i.id = ik.initiative_id JOIN kpi k ON k.id = ik.kpi_id"
            " ORDER BY i.code, k.code",
        ) == [
            ("INI-1", "ENPS", Decimal("1.0000"), ""),
            ("INI-1", "NPS", Decimal("0.5000"), ""),
            ("INI-2", "NPS", Decimal("1.0000"), ""),
        ]
        assert await rows(
            session,
            "SELECT a.code, l.kind, b.code FROM initiative_link l"
            " JOIN initiative a ON a.id = l.from_id JOIN initiative b ON b.id = l.to_id",
        ) == [("INI-1", "enables", "INI-2")]
        assert await rows(session, "SELECT measured_on, value, source FROM kpi_measurement") == [
            (date(2026, 1, 31), Decimal("12.5000"), "Survey")
        ]
        assert await rows(
            session, "SELECT reported_on, percent_complete, health, summary FROM progress_update"
        ) == [(date(2026, 2, 1), 10, "green", "Started.")]

    async def test_importing_the_same_file_again_changes_nothing(
        self, session: AsyncSession
    ) -> None:
        await run(session, zipped(FILES), "portfolio.zip")
        before = await counts(session)
        report = await run(session, zipped(FILES), "portfolio.zip")
        assert report.model_dump()["counts"] == counted(
            departments=(0, 0, 2),
            people=(0, 0, 2),
            kpis=(0, 0, 2),
            initiatives=(0, 0, 2),
            measurements=(0, 0, 1),
            checkins=(0, 0, 1),
        )
        assert await counts(session) == before  # not even an audit event

    async def test_changed_rows_are_updated_and_lists_replaced(self, session: AsyncSession) -> None:
        await run(session, zipped(FILES), "portfolio.zip")
        files = dict(FILES)
        files["kpis.csv"] = (
            "code,name,direction,perspective,baseline_value,department_codes,driver_codes\n"
            "NPS,Net Promoter Score,increase,customer,18,it|hr,\n"
            "ENPS,Employee NPS,increase,employee,,hr,\n"
        )
        files["initiatives.csv"] = FILES["initiatives.csv"].replace(
            "NPS:0.5|ENPS,INI-2", "NPS:0.8,"
        )
        files["measurements.csv"] = (
            "kpi_code,measured_on,value,source\nNPS,2026-01-31,13,Survey\nNPS,2026-02-28,14,Survey\n"
        )
        report = await run(session, zipped(files), "portfolio.zip")
        assert report.model_dump()["counts"] == counted(
            departments=(0, 0, 2),
            people=(0, 0, 2),
            kpis=(0, 1, 1),
            initiatives=(0, 1, 1),
            measurements=(1, 1, 0),
            checkins=(0, 0, 1),
        )
        assert await rows(
            session,
            "SELECT d.code, kd.position FROM kpi_department kd JOIN department d"
            " ON d.id = kd.department_id JOIN kpi k ON k.id = kd.kpi_id WHERE k.code = 'NPS'"
            " ORDER BY kd.position",
        ) == [("it", 0), ("hr", 1)]
        assert await rows(session, "SELECT count(*) FROM kpi_driver") == [(0,)]
        assert await rows(session, "SELECT count(*) FROM initiative_link") == [(0,)]
        assert await rows(
            session,
            "SELECT k.code, ik.weight FROM initiative_kpi ik JOIN kpi k ON k.id = ik.kpi_id"
            " JOIN initiative i ON i.id = ik.initiative_id WHERE i.code = 'INI-1'",
        ) == [("NPS", Decimal("0.8000"))]

    async def test_absent_columns_keep_the_stored_values(self, session: AsyncSession) -> None:
        await run(session, zipped(FILES), "portfolio.zip")
        report = await run(session, "email,name\nbob@example.com,Robert Stone\n", "people.csv")
        assert report.model_dump()["counts"] == counted(people=(0, 1, 0))
        assert await rows(
            session,
            "SELECT p.name, p.title, m.email FROM person p JOIN person m ON m.id = p.manager_id"
            " WHERE p.email = 'bob@example.com'",
        ) == [("Robert Stone", "Developer", "amina@example.com")]

    async def test_semicolon_files_read_comma_decimals(self, session: AsyncSession) -> None:
        files = {
            **FILES,
            "measurements.csv": "kpi_code;measured_on;value;source\nNPS;2026-01-31;12,25;Survey\n",
            "initiatives.csv": (
                "code;title;department_code;owner_email;orientation;client_share;kpi_links\n"
                "INI-1;Portal;hr;amina@example.com;hybrid;0,3;NPS:0,5\n"
            ),
            "checkins.csv": "initiative_code;reported_on;percent_complete;health;summary\n",
        }
        await run(session, zipped(files), "portfolio.zip")
        assert await rows(session, "SELECT value FROM kpi_measurement") == [(Decimal("12.2500"),)]
        assert await rows(
            session,
            "SELECT i.client_share, ik.weight FROM initiative i"
            " JOIN initiative_kpi ik ON ik.initiative_id = i.id",
        ) == [(Decimal("0.3000"), Decimal("0.5000"))]

    async def test_a_bom_and_header_spelling_are_forgiven(self, session: AsyncSession) -> None:
        data = "\ufeffCode, Name \nhr,Human Resources\n".encode()
        report = await run(session, data, "Departments (2).csv")
        assert report.model_dump()["counts"] == counted(departments=(1, 0, 0))

    async def test_a_csv_is_recognised_by_its_columns(self, session: AsyncSession) -> None:
        report = await run(session, "code,name,head_email\nhr,HR,\n", "upload.csv")
        assert report.model_dump()["counts"] == counted(departments=(1, 0, 0))


class TestDryRun:
    async def test_counts_what_would_change_and_writes_nothing(self, session: AsyncSession) -> None:
        before = await counts(session)
        report = await run(session, zipped(FILES), "portfolio.zip", dry_run=True)
        assert report.dry_run is True
        assert report.counts["initiatives"].created == 2
        assert await counts(session) == before

    async def test_reports_problems_like_an_import(self, session: AsyncSession) -> None:
        found = await problems_of(session, "code,name\nHR!,x\n", "departments.csv", dry_run=True)
        assert found == [
            problem(
                "departments",
                2,
                "code",
                "'HR!' is not a valid code: use lower-case letters, digits, - and _"
                " (e.g. customer-service).",
                "invalid_code",
            )
        ]


class TestRules:
    async def test_a_status_move_the_lifecycle_forbids_is_refused(
        self, session: AsyncSession
    ) -> None:
        department = await make_department(session, code="hr")
        owner = await make_person(session, email="amina@example.com", department_id=department.id)
        await make_initiative(
            session, code="INI-7", status="done", department_id=department.id, owner_id=owner.id
        )
        data = (
            "code,title,department_code,owner_email,orientation,status\n"
            "INI-7,Portal,hr,amina@example.com,internal,in_progress\n"
        )
        assert await problems_of(session, data, "initiatives.csv") == [
            problem(
                "initiatives",
                2,
                "status",
                "An initiative cannot go from done to in_progress; allowed from done: none.",
                "invalid_transition",
            )
        ]

    async def test_self_links_are_refused(self, session: AsyncSession) -> None:
        files = {
            **FILES,
            "kpis.csv": FILES["kpis.csv"].replace("hr|it,ENPS", "hr|it,NPS"),
            "initiatives.csv": FILES["initiatives.csv"].replace("NPS:0.5|ENPS,INI-2", "NPS,INI-1"),
        }
        assert await problems_of(session, zipped(files), "portfolio.zip") == [
            problem("kpis", 2, "driver_codes", "A KPI cannot drive itself.", "self_reference"),
            problem(
                "initiatives", 2, "enables", "An initiative cannot enable itself.", "self_reference"
            ),
        ]

    async def test_only_the_cdo_office_imports(self, session: AsyncSession) -> None:
        head = Actor(account_id=None, role=Role.department_head, department_id=1, label="head")
        with pytest.raises(Forbidden) as refused:
            await run(session, zipped(FILES), "portfolio.zip", actor=head)
        assert refused.value.detail == (
            "head (department_head) may not import data: importing is for the CDO office."
        )


class TestAudit:
    async def test_every_written_row_has_an_event(self, session: AsyncSession) -> None:
        # The audit trail is append-only: tests that commit leave events behind, so count
        # only the events this import appends.
        [(before,)] = await rows(session, "SELECT coalesce(max(id), 0) FROM audit_event")
        await run(session, zipped(FILES), "portfolio.zip")
        events = await rows(
            session,
            "SELECT entity_type, action, count(*) FROM audit_event"
            f" WHERE id > {before} GROUP BY entity_type, action ORDER BY entity_type, action",
        )
        assert events == [
            ("department", "create", 2),
            ("department", "update", 1),  # its head, set once the people exist
            ("initiative", "create", 2),
            ("initiative_kpi", "create", 3),
            ("initiative_link", "create", 1),
            ("kpi", "create", 2),
            ("kpi_department", "create", 3),
            ("kpi_driver", "create", 1),
            ("kpi_measurement", "create", 1),
            ("person", "create", 2),
            ("person", "update", 1),  # a manager, set once the people exist
            ("progress_update", "create", 1),
        ]

    async def test_an_update_records_only_what_changed(self, session: AsyncSession) -> None:
        await run(session, zipped(FILES), "portfolio.zip")
        await run(session, "code,name\nit,Information Technology\n", "departments.csv")
        [event] = await rows(
            session,
            "SELECT actor_label, before, after FROM audit_event"
            " WHERE entity_type = 'department' AND action = 'update' AND after ? 'name'",
        )
        assert event == (
            "system",
            {"name": "IT", "version": 1},
            {"name": "Information Technology", "version": 2},
        )

    async def test_money_is_recorded_exactly(self, session: AsyncSession) -> None:
        await run(session, zipped(FILES), "portfolio.zip")
        [after] = await rows(
            session,
            "SELECT after->>'budget_planned' FROM audit_event WHERE entity_type = 'initiative'"
            " AND after->>'code' = 'INI-1'",
        )
        assert after == ("100.50",)


async def test_the_number_of_statements_does_not_grow_with_the_rows(
    session: AsyncSession, queries: QueryCounter
) -> None:
    def people(n: int, offset: int) -> str:
        lines = [f"p{offset + i}@example.com,Person {i},p{offset}@example.com" for i in range(n)]
        return "email,name,manager_email\n" + "\n".join(lines).replace(
            f"p{offset}@example.com,Person 0,p{offset}@example.com",
            f"p{offset}@example.com,Person 0,",
        )

    queries.reset()
    await run(session, people(2, 0), "people.csv")
    small = queries.count
    queries.reset()
    await run(session, people(200, 1000), "people.csv")
    assert queries.count == small


async def test_text_an_array_literal_would_misread_is_stored_exactly(session: AsyncSession) -> None:
    tricky = 'He said "hi", {NULL} \\ back\\slash'
    quoted = tricky.replace('"', '""')
    await run(session, f'code,name\nhr,"{quoted}"\nit,NULL\nops,""""\n', "departments.csv")
    rows = await session.execute(text("SELECT code, name FROM department ORDER BY code"))
    assert rows.all() == [("hr", tricky), ("it", "NULL"), ("ops", '"')]
