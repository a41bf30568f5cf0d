"""The synthetic generator: exact sizes, valid data, determinism, and an empty-only load."""

import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import psycopg
import pytest
from rich.console import Console

from service import migrate
from service.demo import synthetic
from service.errors import Conflict
from tests.dbutil import scratch_database

SCALE = 200

EXPECTED_COUNTS = {
    "department": 7,
    "person": 20,
    "kpi": 4,
    "kpi_department": 8,
    "kpi_driver": 1,
    "kpi_measurement": 2000,
    "initiative": 200,
    "initiative_kpi": 400,
    "initiative_link": 40,
    "progress_update": 578,
}


@pytest.fixture(scope="module")
def loaded(database_url: str) -> Iterator[tuple[str, dict[str, int]]]:
    """A scratch database holding the synthetic company of 200 initiatives (seed 42)."""
    with scratch_database(database_url, "synthetic") as url:
        migrate.upgrade(url)
        counts = synthetic.generate(url, Console(file=io.StringIO()), scale=SCALE, seed=42)
        yield url, counts


def _query(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        return [tuple(row) for row in connection.execute(sql).fetchall()]


def test_counts_are_exact(loaded: tuple[str, dict[str, int]]) -> None:
    url, counts = loaded
    assert counts == EXPECTED_COUNTS
    for table, expected in EXPECTED_COUNTS.items():
        assert _query(url, f"SELECT count(*) FROM {table}") == [(expected,)]


def test_same_seed_same_company(loaded: tuple[str, dict[str, int]]) -> None:
    url, _ = loaded
    first = _query(url, "SELECT code, title, budget_planned FROM initiative ORDER BY id LIMIT 1")
    plan = synthetic.Plan.for_scale(SCALE)
    again = next(synthetic.initiative_rows(plan, 42, date.today()))
    assert first == [(again[1], again[2], Decimal(again[18]).quantize(Decimal("0.01")))]
    assert first[0][0] == "INI-000001"
    other = next(synthetic.initiative_rows(plan, 7, date.today()))
    assert (other[2], other[18]) != (again[2], again[18])


def test_reporting_tree_has_one_root_and_at_most_eight_levels(
    loaded: tuple[str, dict[str, int]],
) -> None:
    url, _ = loaded
    rows = _query(
        url,
        """WITH RECURSIVE line(id, depth) AS (
               SELECT id, 1 FROM person WHERE manager_id IS NULL
               UNION ALL SELECT p.id, l.depth + 1 FROM person p JOIN line l ON p.manager_id = l.id)
           SELECT count(*), max(depth), count(*) FILTER (WHERE depth = 1) FROM line""",
    )
    assert rows == [(20, 5, 1)]
    assert _query(url, "SELECT count(*) FROM department WHERE head_id IS NULL") == [(0,)]


def test_sequences_continue_after_the_copied_ids(loaded: tuple[str, dict[str, int]]) -> None:
    url, _ = loaded
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        row = connection.execute(
            "INSERT INTO department (code, name) VALUES ('new-one', 'New') RETURNING id"
        ).fetchone()
        connection.rollback()
    assert row == (8,)


def test_refuses_a_database_that_holds_data(loaded: tuple[str, dict[str, int]]) -> None:
    url, _ = loaded
    with pytest.raises(Conflict) as refused:
        synthetic.generate(url, Console(file=io.StringIO()), scale=10)
    assert refused.value.code == "database_not_empty"
    assert "200 initiatives" in refused.value.detail


class TestPlan:
    def test_sizes_follow_the_number_of_initiatives(self) -> None:
        plan = synthetic.Plan.for_scale(100_000)
        assert (plan.departments, plan.people, plan.kpis, plan.branching) == (27, 10_000, 2_000, 4)
        assert plan.kpis * plan.measurements_per_kpi == 1_000_000

    def test_managers_always_have_a_smaller_id(self) -> None:
        plan = synthetic.Plan.for_scale(100_000)
        assert all(plan.manager_of(i) < i for i in range(2, plan.people + 1))  # type: ignore[operator]

    def test_deep_tree_stays_within_eight_levels(self) -> None:
        plan = synthetic.Plan.for_scale(100_000)
        depth, person = 1, plan.people
        while (manager := plan.manager_of(person)) is not None:
            depth, person = depth + 1, manager
        assert depth == 8
