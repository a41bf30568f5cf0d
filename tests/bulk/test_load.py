"""A bulk load leaves every maintained figure as the triggers would, and the schema as it was."""

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import psycopg
import pytest
from rich.console import Console
from sqlalchemy.engine import make_url

from service import migrate
from service.bulk import load as bulk
from service.bulk.figures import FIGURES, TRIGGERS
from service.demo import synthetic
from tests.dbutil import scratch_database

SCALE = 300

# Indexes, constraints and triggers of the public tables, with their definitions and states.
SCHEMA_SQL = """
SELECT 'index', tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
UNION ALL
SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid)
FROM pg_constraint WHERE connamespace = 'public'::regnamespace
UNION ALL
SELECT 'trigger', tgrelid::regclass::text, tgname, tgenabled::text
FROM pg_trigger WHERE NOT tgisinternal
ORDER BY 1, 2, 3
"""


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _rows(url: str, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(_libpq(url)) as connection:
        return [tuple(row) for row in connection.execute(sql, params).fetchall()]


def _figures(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored figure by table and key; a change moment as whether it is set (each
    load stamps its own)."""
    stored = {}
    for figure in FIGURES:
        columns = [f"{c} IS NOT NULL" if c == "figures_changed_at" else c for c in figure.columns]
        key = ", ".join(figure.key)
        sql = f"SELECT {key}, {', '.join(columns)} FROM {figure.table} ORDER BY {key}"
        stored[figure.table] = _rows(url, sql)
    return stored


def _load_with_triggers(url: str) -> None:
    """The same company written with every trigger on, as any other write."""
    plan = synthetic.Plan.for_scale(SCALE)
    with psycopg.connect(_libpq(url)) as connection, connection.cursor() as cursor:
        synthetic._load(cursor, Console(file=io.StringIO()), plan, 42, date.today())


@pytest.fixture(scope="module")
def bulk_loaded(database_url: str) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """A scratch database loaded in bulk, and its schema before the load."""
    with scratch_database(database_url, "bulk") as url:
        migrate.upgrade(url)
        schema = _rows(url, SCHEMA_SQL)
        synthetic.generate(url, Console(file=io.StringIO()), scale=SCALE, seed=42)
        yield url, schema


@pytest.fixture(scope="module")
def trigger_loaded(database_url: str) -> Iterator[str]:
    with scratch_database(database_url, "triggered") as url:
        migrate.upgrade(url)
        _load_with_triggers(url)
        yield url


def test_every_figure_equals_what_the_triggers_give(
    bulk_loaded: tuple[str, list[tuple[Any, ...]]], trigger_loaded: str
) -> None:
    url, _ = bulk_loaded
    by_triggers = _figures(trigger_loaded)
    assert _figures(url) == by_triggers
    # A company with every kind of figure: links, shared KPIs, enablers, check-ins, moves.
    initiatives = by_triggers["initiative"]
    assert all(sum(1 for row in initiatives if row[i]) > 0 for i in range(1, 9))
    assert len(by_triggers["initiative_lesson"]) > 0
    with psycopg.connect(_libpq(trigger_loaded)) as connection:
        assert bulk.check_sync(connection.cursor()) == []


def test_the_schema_is_the_same_after_the_load(
    bulk_loaded: tuple[str, list[tuple[Any, ...]]],
) -> None:
    url, before = bulk_loaded
    assert _rows(url, SCHEMA_SQL) == before
    assert ("trigger", "initiative_kpi", "initiative_kpi_start_value", "O") in before


def test_the_triggers_keep_the_figures_again_after_the_load(
    bulk_loaded: tuple[str, list[tuple[Any, ...]]],
) -> None:
    url, _ = bulk_loaded
    with psycopg.connect(_libpq(url)) as connection:
        row = connection.execute(
            "INSERT INTO progress_update (initiative_id, reported_on, percent_complete, health,"
            " confidence, spent_to_date, summary, blockers, next_steps)"
            " VALUES (1, current_date + 1, 95, 'amber', 6, 4321, 'Late but close.', '', '')"
            " RETURNING id"
        ).fetchone()
        assert row is not None
        latest = connection.execute(
            "SELECT last_check_in_id, last_check_in_on = current_date + 1, spent_to_date"
            " FROM initiative WHERE id = 1"
        ).fetchone()
        assert latest == (row[0], True, 4321)
        assert bulk.check_sync(connection.cursor()) == []
        connection.rollback()


def _empty(url: str) -> list[tuple[Any, ...]]:
    tables = (*synthetic.TABLES, "department_status_total", "initiative_lesson", "deletion")
    return _rows(url, " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables))


def _failing_check_ins(*args: Any) -> Iterator[tuple[Any, ...]]:
    yield from []
    raise RuntimeError("the disk is full")


def _wrong_figures(cursor: Any) -> list[bulk.Mismatch]:
    return [bulk.Mismatch("initiative", (1,), "kpi_count", 3, 2)]


@pytest.mark.parametrize(
    ("target", "replacement", "error"),
    [
        ("service.demo.synthetic.checkin_rows", _failing_check_ins, RuntimeError),
        ("service.bulk.load.check_sync", _wrong_figures, bulk.FiguresMismatch),
    ],
    ids=["failing COPY", "wrong figures"],
)
def test_a_failure_mid_load_leaves_the_database_as_it_was(
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    target: str,
    replacement: Any,
    error: type[Exception],
) -> None:
    with scratch_database(database_url, "failed") as url:
        migrate.upgrade(url)
        schema, empty = _rows(url, SCHEMA_SQL), _empty(url)
        monkeypatch.setattr(target, replacement)
        with pytest.raises(error):
            synthetic.generate(url, Console(file=io.StringIO()), scale=50, seed=42)
        assert _empty(url) == empty
        assert all(count == 0 for _, count in empty)
        assert _rows(url, SCHEMA_SQL) == schema


# Triggers that check, record or notify rather than keep a figure: on during a bulk load.
KEPT_ON = {
    ("person", "person_no_manager_cycle"),
    ("kpi_driver", "kpi_driver_no_cycle"),
    ("audit_event", "audit_event_append_only"),
    ("audit_event", "audit_event_no_truncate"),
    ("audit_event", "audit_event_webhooks"),
    *(
        (table, f"{table}_auth_changed_{event}")
        for table in ("account", "account_session", "api_token")
        for event in ("update", "delete")
    ),
}


def test_every_trigger_keeps_a_recomputed_figure_or_stays_on(database_url: str) -> None:
    """A new trigger fails this test until its figure is in the recompute (or it is a check)."""
    triggers = set(
        _rows(
            database_url,
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger"
            " WHERE NOT tgisinternal AND tgname NOT LIKE '%\\_tombstone'",
        )
    )
    figures = {(table, name) for table, names in TRIGGERS.items() for name in names}
    assert triggers == figures | KEPT_ON


def test_the_check_finds_each_wrong_figure_and_the_recompute_repairs_it(
    bulk_loaded: tuple[str, list[tuple[Any, ...]]],
) -> None:
    url, _ = bulk_loaded
    with psycopg.connect(_libpq(url)) as connection, connection.cursor() as cursor:
        links, department, status = cursor.execute(
            "UPDATE initiative SET kpi_count = kpi_count + 5 WHERE id = 1"
            " RETURNING kpi_count - 5, department_id, status"
        ).fetchone()  # type: ignore[misc]
        measured, changed = cursor.execute(
            "UPDATE kpi k SET last_measured_on = '2000-01-01',"
            " figures_changed_at = '2000-01-01T00:00:00Z'"
            " FROM kpi o WHERE k.id = 1 AND o.id = 1"
            " RETURNING o.last_measured_on, o.figures_changed_at"
        ).fetchone()  # type: ignore[misc]
        totals = cursor.execute(
            "DELETE FROM department_status_total WHERE department_id = %s AND status = %s"
            " RETURNING initiative_count, client_share_total, budget_total,"
            " client_budget_total, spent_total, client_spent_total",
            (department, status),
        ).fetchone()
        lesson, document = cursor.execute(
            "DELETE FROM initiative_lesson WHERE initiative_id ="
            " (SELECT min(initiative_id) FROM initiative_lesson) RETURNING *"
        ).fetchone()[:2]  # type: ignore[index]
        assert totals is not None
        assert bulk.check_sync(cursor) == [
            bulk.Mismatch("kpi", (1,), "last_measured_on", date(2000, 1, 1), measured),
            bulk.Mismatch(
                "kpi", (1,), "figures_changed_at", datetime(2000, 1, 1, tzinfo=UTC), changed
            ),
            bulk.Mismatch("initiative", (1,), "kpi_count", links + 5, links),
            *(
                bulk.Mismatch("department_status_total", (department, status), column, None, total)
                for column, total in zip(FIGURES[3].columns, totals, strict=True)
            ),
            bulk.Mismatch("initiative_lesson", (lesson,), "document", None, document),
        ]
        with bulk.figures_deferred(cursor):
            pass
        assert bulk.check_sync(cursor) == []
        repaired = cursor.execute(
            "SELECT k.last_measured_on, k.figures_changed_at, i.kpi_count"
            " FROM kpi k, initiative i WHERE k.id = 1 AND i.id = 1"
        )
        assert repaired.fetchone() == (measured, changed, links)
        connection.rollback()


def test_the_tables_owner_loads_without_being_superuser(database_url: str) -> None:
    """The application's role owns its tables but is no superuser: that is enough."""
    role = "bulk_owner"
    with scratch_database(database_url, "owned") as url:
        admin, database = _libpq(url), make_url(url).database
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER")
            connection.execute(f'ALTER DATABASE "{database}" OWNER TO {role}')
        try:
            owned = make_url(url).set(username=role).render_as_string(hide_password=False)
            migrate.upgrade(owned)
            synthetic.generate(owned, Console(file=io.StringIO()), scale=50, seed=42)
            assert _rows(owned, "SELECT current_user, count(*) FROM initiative GROUP BY 1") == [
                (role, 50)
            ]
        finally:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f"REASSIGN OWNED BY {role} TO current_user")
                connection.execute(f"DROP OWNED BY {role}")
                connection.execute(f"DROP ROLE {role}")
