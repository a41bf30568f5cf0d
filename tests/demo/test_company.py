"""The curated demo company, imported from its data files: exact sizes, a sound reporting
line, and the story it tells."""

from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Department, Initiative, Person
from service.demo import dataset
from service.demo.loader import load_company

TODAY = date(2026, 11, 23)

EXPECTED_COUNTS = {
    "department": 7,
    "person": 60,
    "kpi": 25,
    "initiative": 40,
    "kpi_department": 46,
    "kpi_driver": 18,
    "kpi_measurement": 393,
    "initiative_kpi": 85,
    "initiative_link": 11,
    "progress_update": 116,
}


@pytest.fixture
async def company(session: AsyncSession) -> dict[str, int]:
    return await load_company(session, today=TODAY)


async def _rows(session: AsyncSession, sql: str) -> list[tuple]:
    return [tuple(row) for row in (await session.execute(text(sql))).all()]


class TestLoadCompany:
    async def test_counts_are_exact(self, session: AsyncSession, company: dict[str, int]) -> None:
        assert company == EXPECTED_COUNTS
        for table, expected in EXPECTED_COUNTS.items():
            assert await session.scalar(text(f"SELECT count(*) FROM {table}")) == expected

    async def test_seven_departments_each_headed_by_one_of_its_own(
        self, session: AsyncSession, company: dict[str, int]
    ) -> None:
        rows = await _rows(
            session,
            "SELECT d.code, p.title FROM department d JOIN person p ON p.id = d.head_id"
            " AND p.department_id = d.id ORDER BY d.code",
        )
        assert rows == [
            ("customer-service", "Customer Service Director"),
            ("finance", "Chief Financial Officer"),
            ("hr", "HR Director"),
            ("it", "Chief Information Officer"),
            ("marketing", "Chief Marketing Officer"),
            ("operations", "Chief Operating Officer"),
            ("sales", "Sales Director"),
        ]

    async def test_one_reporting_line_under_the_ceo_four_levels_deep(
        self, session: AsyncSession, company: dict[str, int]
    ) -> None:
        roots = (
            await session.scalars(select(Person).where(col(Person.manager_id).is_(None)))
        ).all()
        assert [root.title for root in roots] == ["Chief Executive Officer"]
        reached = await _rows(
            session,
            """WITH RECURSIVE line(id, depth) AS (
                   SELECT id, 1 FROM person WHERE manager_id IS NULL
                   UNION ALL
                   SELECT p.id, l.depth + 1 FROM person p JOIN line l ON p.manager_id = l.id)
               SELECT count(*), max(depth) FROM line""",
        )
        assert reached == [(60, 4)]
        cdo_manager = await _rows(
            session,
            "SELECT m.title FROM person p JOIN person m ON m.id = p.manager_id"
            " WHERE p.title = 'Chief Digital Officer'",
        )
        assert cdo_manager == [("Chief Executive Officer",)]

    async def test_two_inactive_people_one_still_owning_active_work(
        self, session: AsyncSession, company: dict[str, int]
    ) -> None:
        rows = await _rows(
            session,
            "SELECT p.name, i.code, i.status FROM person p LEFT JOIN initiative i"
            " ON i.owner_id = p.id WHERE NOT p.is_active ORDER BY p.name",
        )
        assert rows == [
            ("Léa Girard", "INI-035", "in_progress"),
            ("Noah Keller", "INI-033", "done"),
        ]

    async def test_stopped_experiments_carry_lessons_learned(
        self, session: AsyncSession, company: dict[str, int]
    ) -> None:
        stopped = (
            await session.scalars(
                select(Initiative).where(col(Initiative.status) == "stopped").order_by("code")
            )
        ).all()
        assert [i.code for i in stopped] == ["INI-019", "INI-026", "INI-034"]
        assert all(i.is_experiment and len(i.lessons_learned) > 100 for i in stopped)

    async def test_status_mix(self, session: AsyncSession, company: dict[str, int]) -> None:
        rows = await _rows(
            session, "SELECT status, count(*) FROM initiative GROUP BY status ORDER BY status"
        )
        assert rows == [
            ("approved", 6),
            ("done", 4),
            ("in_progress", 23),
            ("on_hold", 1),
            ("proposed", 3),
            ("stopped", 3),
        ]

    async def test_active_budget_leans_client_facing_while_hr_is_uncovered(
        self, session: AsyncSession, company: dict[str, int]
    ) -> None:
        active = col(Initiative.status).in_(("approved", "in_progress", "on_hold"))
        weighted = func.sum(Initiative.budget_planned * Initiative.client_share)
        share = await session.scalar(
            select(func.round(weighted / func.sum(Initiative.budget_planned), 4)).where(active)
        )
        assert share == Decimal("0.6619")
        covered = await session.scalars(
            select(col(Department.code))
            .join(Initiative, col(Initiative.department_id) == Department.id)
            .where(active)
            .distinct()
            .order_by(col(Department.code))
        )
        assert covered.all() == [
            "customer-service",
            "finance",
            "it",
            "marketing",
            "operations",
            "sales",
        ]

    async def test_budgets_and_codes(self, session: AsyncSession, company: dict[str, int]) -> None:
        rows = await _rows(
            session,
            "SELECT min(code), max(code), min(budget_planned), max(budget_planned) FROM initiative",
        )
        assert rows == [("INI-001", "INI-040", Decimal("60000.00"), Decimal("1600000.00"))]

    async def test_monthly_history_ends_last_month_except_two_stale_kpis(
        self, session: AsyncSession, company: dict[str, int]
    ) -> None:
        rows = await _rows(
            session,
            "SELECT k.code, k.cadence, count(*), max(m.measured_on) FROM kpi k"
            " JOIN kpi_measurement m ON m.kpi_id = k.id GROUP BY k.code, k.cadence",
        )
        last_month_end = date(2026, 10, 31)
        by_code = {code: (cadence, n, last) for code, cadence, n, last in rows}
        assert len(by_code) == 25
        assert by_code["STORE-TOOL-SAT"] == ("monthly", 13, date(2026, 5, 31))
        assert by_code["DOC-VALIDATION-TIME"] == ("monthly", 14, date(2026, 6, 30))
        assert by_code["ENPS"] == ("quarterly", 6, date(2026, 9, 30))
        stale = {code for code, (_, _, last) in by_code.items() if last < date(2026, 9, 1)}
        assert stale == {"STORE-TOOL-SAT", "DOC-VALIDATION-TIME"}
        monthly = {
            c for c, (cadence, n, last) in by_code.items() if (n, last) == (18, last_month_end)
        }
        assert len(monthly) == 19

    async def test_most_kpis_moved_toward_target(
        self, session: AsyncSession, company: dict[str, int]
    ) -> None:
        rows = await _rows(
            session,
            """SELECT k.code FROM kpi k
               JOIN LATERAL (SELECT value FROM kpi_measurement WHERE kpi_id = k.id
                             ORDER BY measured_on DESC LIMIT 1) last ON true
               WHERE (k.direction = 'increase' AND last.value <= k.baseline_value)
                  OR (k.direction = 'decrease' AND last.value >= k.baseline_value)""",
        )
        assert rows == [("TRAINING-COMPLETION",)]

    async def test_stale_check_ins(self, session: AsyncSession, company: dict[str, int]) -> None:
        rows = await _rows(
            session,
            f"""SELECT i.code, max(u.reported_on) FROM initiative i
                JOIN progress_update u ON u.initiative_id = i.id
                WHERE i.status = 'in_progress' GROUP BY i.code
                HAVING max(u.reported_on) < DATE '{TODAY - timedelta(days=30)}'
                ORDER BY i.code""",
        )
        assert rows == [
            ("INI-031", TODAY - timedelta(days=45)),
            ("INI-035", TODAY - timedelta(days=75)),
            ("INI-039", TODAY - timedelta(days=40)),
        ]

    async def test_check_ins_are_ordered_and_spend_grows(
        self, session: AsyncSession, company: dict[str, int]
    ) -> None:
        rows = await _rows(
            session,
            """SELECT count(*) FROM (
                 SELECT reported_on < lag(reported_on) OVER w AS backwards,
                        spent_to_date < lag(spent_to_date) OVER w AS shrinking,
                        percent_complete < lag(percent_complete) OVER w AS regressing
                 FROM progress_update WINDOW w AS (PARTITION BY initiative_id ORDER BY id)) s
               WHERE backwards OR shrinking OR regressing""",
        )
        assert rows == [(0,)]

    async def test_same_day_same_company(
        self, session: AsyncSession, company: dict[str, int]
    ) -> None:
        rows = await _rows(
            session,
            "SELECT value FROM kpi_measurement m JOIN kpi k ON k.id = m.kpi_id"
            " WHERE k.code = 'NPS' ORDER BY measured_on DESC LIMIT 1",
        )
        assert rows == [(Decimal("29.9100"),)]


async def test_demo_company_raises_every_flag_code(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    await load_company(session)
    response = await client.get("/api/v1/portfolio/flags")
    assert response.status_code == 200
    codes = {flag["code"] for flag in response.json()["items"]}
    assert codes == {
        "PORTFOLIO_CLIENT_SKEW",
        "DEPARTMENT_CLIENT_SKEW",
        "DEPARTMENT_UNCOVERED",
        "MISSING_ENABLER",
        "NO_USER_NEED",
        "TECH_PUSH",
        "NO_KPI",
        "SILO_KPI",
        "STALE_UPDATE",
        "KPI_UNMEASURED",
        "CX_KPI_WITHOUT_EX_DRIVER",
        "DONE_WITHOUT_KPI_MOVEMENT",
        "OWNER_INACTIVE",
        "KPI_OVERCLAIMED",
        "ENABLER_LATE",
    }


class TestContent:
    def test_every_started_initiative_has_a_story(self) -> None:
        started = {
            row["code"]
            for row in dataset.rows("initiatives")
            if row["status"] in ("in_progress", "on_hold", "done", "stopped")
        }
        assert {row["initiative_code"] for row in dataset.rows("checkins")} == started

    def test_add_months_crosses_years_and_keeps_month_ends(self) -> None:
        assert dataset.add_months(date(2026, 11, 1), -18) == date(2025, 5, 1)
        assert dataset.add_months(date(2026, 11, 1), 2) == date(2027, 1, 1)
        assert dataset.add_months(date(2025, 5, 31), 4) == date(2025, 9, 30)
        assert dataset.add_months(date(2025, 9, 30), 1) == date(2025, 10, 31)
        assert dataset.add_months(date(2026, 1, 30), 1) == date(2026, 2, 28)
