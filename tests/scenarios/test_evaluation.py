"""Evaluating a scenario: exact figures before and after, and the flags that change."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from service.portfolio.payloads import FlagCode
from service.scenarios import evaluation, sql
from service.scenarios.payloads import FlagChange, ScenarioFigures, ScenarioMove
from tests.factories import link_initiatives, link_kpi
from tests.scenarios.conftest import Portfolio

TODAY = date(2026, 11, 23)


def moves_of(p: Portfolio) -> list[ScenarioMove]:
    """Stop B, approve E, make C hybrid at 0.4 with a 250 budget."""
    return [
        ScenarioMove(initiative_id=p.b.id, status="stopped", lessons_learned="Bought it instead."),
        ScenarioMove(initiative_id=p.e.id, status="approved"),
        ScenarioMove(
            initiative_id=p.c.id,
            orientation="hybrid",
            client_share=Decimal("0.4"),
            budget_planned=Decimal("250"),
        ),
    ]


def balance(side: ScenarioFigures) -> tuple[Any, ...]:
    b = side.balance
    departments = [
        (d.department_code, d.client_share, d.total_weight, d.initiative_count)
        for d in b.departments
    ]
    return (b.client_share, b.total_weight, b.initiative_count, b.within_band, departments)


def nonzero(side: ScenarioFigures) -> dict[str, int]:
    return {code: n for code, n in side.flag_counts.items() if n}


def changes(flags: list[FlagChange]) -> list[tuple[str, str | None, str | None]]:
    return [(f.code, f.entity_code, f.department_code) for f in flags]


async def test_before_and_after_balance(session: AsyncSession, portfolio: Portfolio) -> None:
    result = await evaluation.evaluate(session, moves_of(portfolio), today=TODAY)
    assert balance(result.before) == (
        Decimal("0.8333"),
        Decimal("600.00"),
        3,
        False,
        [
            ("it", Decimal("1.0000"), Decimal("200.00"), 1),
            ("marketing", Decimal("0.7500"), Decimal("400.00"), 2),
        ],
    )
    assert balance(result.after) == (
        Decimal("0.6667"),
        Decimal("600.00"),
        3,
        False,
        [
            ("it", Decimal("0.3333"), Decimal("300.00"), 2),
            ("marketing", Decimal("1.0000"), Decimal("300.00"), 1),
        ],
    )
    assert (result.before.alignment_score, result.after.alignment_score) == (
        Decimal("0.3333"),
        Decimal("0.4167"),
    )


async def test_flag_counts_before_and_after(session: AsyncSession, portfolio: Portfolio) -> None:
    result = await evaluation.evaluate(session, moves_of(portfolio), today=TODAY)
    assert set(result.before.flag_counts) == {code.value for code in FlagCode}
    assert nonzero(result.before) == {
        "PORTFOLIO_CLIENT_SKEW": 1,
        "DEPARTMENT_CLIENT_SKEW": 2,
        "MISSING_ENABLER": 1,
        "NO_KPI": 2,
        "STALE_UPDATE": 2,
        "KPI_UNMEASURED": 2,
    }
    assert nonzero(result.after) == {
        "PORTFOLIO_CLIENT_SKEW": 1,
        "DEPARTMENT_CLIENT_SKEW": 1,
        "MISSING_ENABLER": 1,
        "NO_KPI": 1,
        "SILO_KPI": 1,
        "STALE_UPDATE": 1,
        "KPI_UNMEASURED": 2,
    }


async def test_flags_appearing_and_disappearing(
    session: AsyncSession, portfolio: Portfolio
) -> None:
    result = await evaluation.evaluate(session, moves_of(portfolio), today=TODAY)
    # Stopping B leaves A without its enabler; approving E puts an IT-only KPI in play.
    assert changes(result.appearing) == [
        ("MISSING_ENABLER", "INI-A", "marketing"),
        ("SILO_KPI", "INI-E", "it"),
    ]
    assert changes(result.disappearing) == [
        ("MISSING_ENABLER", "INI-C", "it"),
        ("DEPARTMENT_CLIENT_SKEW", "it", "it"),
        ("NO_KPI", "INI-B", "marketing"),
        ("STALE_UPDATE", "INI-B", "marketing"),
    ]
    assert result.appearing[0].name == "Initiative INI-A"


async def test_no_moves_changes_nothing(session: AsyncSession, portfolio: Portfolio) -> None:
    result = await evaluation.evaluate(session, [], today=TODAY)
    assert result.after == result.before
    assert (result.appearing, result.disappearing) == ([], [])


async def test_approving_an_internal_dependency_gives_an_enabler(
    session: AsyncSession, portfolio: Portfolio
) -> None:
    # C depends on E: once E is approved, it is a live internal enabler of C.
    await link_initiatives(session, portfolio.c, portfolio.e, kind="depends_on")
    moves = [ScenarioMove(initiative_id=portfolio.e.id, status="approved")]
    result = await evaluation.evaluate(session, moves, today=TODAY)
    assert ("MISSING_ENABLER", "INI-C", "it") in changes(result.disappearing)
    assert result.after.flag_counts["MISSING_ENABLER"] == 0


async def test_moving_a_department_moves_its_budget(
    session: AsyncSession, portfolio: Portfolio
) -> None:
    moves = [ScenarioMove(initiative_id=portfolio.a.id, department_id=portfolio.it.id)]
    result = await evaluation.evaluate(session, moves, today=TODAY)
    assert balance(result.after)[4] == [
        ("it", Decimal("1.0000"), Decimal("500.00"), 2),
        ("marketing", Decimal("0.0000"), Decimal("100.00"), 1),
    ]
    assert changes(result.disappearing) == [("DEPARTMENT_CLIENT_SKEW", "marketing", "marketing")]
    assert changes(result.appearing) == []


async def test_done_without_movement_appears_when_moved_to_done(
    session: AsyncSession, portfolio: Portfolio
) -> None:
    # C's shared KPI was never measured: done, it moved nothing.
    moves = [ScenarioMove(initiative_id=portfolio.c.id, status="in_progress")]
    first = await evaluation.evaluate(session, moves, today=TODAY)
    assert changes(first.appearing) == [("STALE_UPDATE", "INI-C", "it")]
    portfolio.c.status = "in_progress"
    await session.flush()
    moves = [ScenarioMove(initiative_id=portfolio.c.id, status="done")]
    result = await evaluation.evaluate(session, moves, today=TODAY)
    assert ("DONE_WITHOUT_KPI_MOVEMENT", "INI-C", "it") in changes(result.appearing)


def test_every_flag_code_says_where_a_move_can_change_it() -> None:
    assert set(sql.SCOPES) == set(FlagCode)


async def test_a_kpi_claimed_past_one_appears_on_approval(
    session: AsyncSession, portfolio: Portfolio
) -> None:
    # C (approved) claims all of the shared KPI; approving E would claim half as much again.
    await link_kpi(session, portfolio.e, portfolio.shared, "0.5")
    moves = [ScenarioMove(initiative_id=portfolio.e.id, status="approved")]
    result = await evaluation.evaluate(session, moves, today=TODAY)
    assert result.before.flag_counts["KPI_OVERCLAIMED"] == 0
    assert result.after.flag_counts["KPI_OVERCLAIMED"] == 1
    assert changes(result.appearing) == [("KPI_OVERCLAIMED", "KPI-SHARED", "marketing")]


async def test_statements_do_not_grow_with_the_moves(
    session: AsyncSession, portfolio: Portfolio, queries: Any
) -> None:
    one = moves_of(portfolio)[:1]
    await evaluation.evaluate(session, one, today=TODAY)  # settings row loaded once
    queries.reset()
    await evaluation.evaluate(session, one, today=TODAY)
    single = queries.count
    queries.reset()
    await evaluation.evaluate(session, moves_of(portfolio), today=TODAY)
    assert queries.count == single == 5
