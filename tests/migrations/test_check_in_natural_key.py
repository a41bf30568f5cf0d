"""Migration 0006: check-ins sharing a natural key stop the upgrade, named, nothing changed."""

import psycopg
import pytest
from sqlalchemy.engine import make_url

from service import migrate
from tests.dbutil import scratch_database

SEED = """
INSERT INTO department (code, name) VALUES ('it', 'IT');
INSERT INTO person (name, email, title, department_id)
    SELECT 'Owner', 'owner@example.com', 'Lead', id FROM department;
INSERT INTO initiative (code, title, description, department_id, owner_id, status,
                        orientation, client_share, origin, user_need, target_users,
                        is_experiment, hypothesis, lessons_learned, budget_planned)
    SELECT 'INI-001', 'Traceability', '', d.id, p.id, 'in_progress', 'internal', 0,
           'user_need', 'Re-keying', '', false, '', '', 0
    FROM department d, person p;
INSERT INTO progress_update (initiative_id, reported_on, percent_complete, health,
                             spent_to_date, summary, blockers, next_steps)
    SELECT i.id, day::date, 10, 'green', 0, summary, '', '' FROM initiative i,
    (VALUES ('2026-11-02', 'Kick-off'), ('2026-11-02', 'Kick-off'), ('2026-11-02', 'Other'),
            ('2026-11-09', 'Kick-off')) AS v(day, summary);
"""


def test_duplicates_stop_the_upgrade_until_someone_keeps_one(database_url: str) -> None:
    with scratch_database(database_url, "naturalkey") as url:
        migrate.upgrade(url, "0005")
        libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(libpq, autocommit=True) as db:
            db.execute(SEED)  # type: ignore[arg-type]
        with pytest.raises(RuntimeError) as stopped:
            migrate.upgrade(url)
        assert str(stopped.value) == (
            "Migration 0006 stopped: these check-ins share an initiative, reported_on and "
            "summary, which must be unique: INI-001 on 2026-11-02: check-ins 1, 2. Keep "
            "one of each group (DELETE FROM progress_update WHERE id IN (...), or change a "
            "summary), then run the upgrade again. Nothing was changed."
        )
        with psycopg.connect(libpq, autocommit=True) as db:
            version = db.execute("SELECT version_num FROM alembic_version").fetchone()
            assert version == ("0005",)
            db.execute("DELETE FROM progress_update WHERE id = 2")
        migrate.upgrade(url)
        with psycopg.connect(libpq, autocommit=True) as db:
            index = "SELECT indexdef FROM pg_indexes WHERE indexname = %s"
            row = db.execute(index, ("uq_progress_update_natural_key",)).fetchone()
            assert row is not None and "UNIQUE INDEX" in row[0]
