"""A small portfolio with every relation the compiled reads cover, some of them empty."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from service.graphql.ids import encode_id
from service.pagination import encode_cursor
from tests.graphql.builders import build_company

FIGURES = ("initiative", "kpi")  # tables whose updatedSince also reads `figures_changed_at`


@dataclass(frozen=True)
class Portfolio:
    """The ids the generated documents page through."""

    cursors: tuple[str, ...]
    department_ids: tuple[int, ...] = ()
    person_ids: tuple[int, ...] = ()
    instants: tuple[str, ...] = ()  # rows' change instants (ISO), the boundaries of updatedSince
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lookup → codes or e-mails
    ids: dict[str, tuple[int, ...]] = field(default_factory=dict)  # lookup → database ids
    global_ids: tuple[str, ...] = ()  # of every type `node` reads, and of one it may not


async def build_portfolio(session: AsyncSession) -> Portfolio:
    """Seven initiatives over three departments, four KPIs, links, drivers, heads."""
    company = await build_company(session, 7, tag="c")
    ini, kpi, people = company.initiative_ids, company.kpi_ids, company.person_ids
    deps = company.department_ids
    run = session.execute
    await run(
        sa.text("INSERT INTO initiative_link (from_id, kind, to_id) VALUES (:a, :k, :b)"),
        [
            {"a": ini[0], "k": "enables", "b": ini[1]},
            {"a": ini[0], "k": "enables", "b": ini[2]},
            {"a": ini[3], "k": "depends_on", "b": ini[0]},
            {"a": ini[2], "k": "depends_on", "b": ini[1]},
        ],
    )
    await run(
        sa.text("INSERT INTO kpi_driver (driver_kpi_id, driven_kpi_id) VALUES (:a, :b)"),
        [{"a": kpi[0], "b": kpi[1]}, {"a": kpi[2], "b": kpi[1]}, {"a": kpi[1], "b": kpi[3]}],
    )
    # A longer reporting line: Boss 0 reports to Boss 1, who reports to Boss 2.
    bosses = (
        await run(
            sa.text("SELECT DISTINCT manager_id FROM person WHERE id = ANY(:p)"), {"p": people}
        )
    ).scalars()
    boss = sorted(b for b in bosses if b is not None)
    await run(
        sa.text("UPDATE person SET manager_id = :m WHERE id = :p"),
        [{"m": boss[1], "p": boss[0]}, {"m": boss[2], "p": boss[1]}],
    )
    await run(
        sa.text("UPDATE department SET head_id = :p WHERE id = :d"), {"p": people[0], "d": deps[0]}
    )
    await run(
        sa.text(
            "UPDATE initiative SET sponsor_id = :p, start_date = :s, target_date = :t,"
            " status = 'proposed', orientation = 'hybrid', client_share = 0.25 WHERE id = :i"
        ),
        {"p": people[1], "s": date(2026, 1, 5), "t": date(2027, 6, 30), "i": ini[1]},
    )
    await run(sa.text("DELETE FROM progress_update WHERE initiative_id = :i"), {"i": ini[6]})
    await run(sa.text("DELETE FROM kpi_measurement WHERE kpi_id = :k"), {"k": kpi[3]})
    await run(
        sa.text("UPDATE kpi_measurement SET recorded_by_id = :p WHERE kpi_id = :k"),
        {"p": people[2], "k": kpi[0]},
    )
    # Distinct change instants, a microsecond apart, so updatedSince splits every list.
    for table, keys in (
        ("initiative", ini),
        ("kpi", kpi),
        ("person", people),
        ("department", deps),
    ):
        stamp = "timestamptz '2026-11-02 10:00:00+00' + make_interval(secs => :n / 1000000.0)"
        figures = f", figures_changed_at = {stamp} - interval '1 hour'" if table in FIGURES else ""
        await run(
            sa.text(f"UPDATE {table} SET updated_at = {stamp}{figures} WHERE id = :i"),
            [{"n": n, "i": key} for n, key in enumerate(keys)],
        )
    changed = await run(
        sa.text(
            "SELECT greatest(updated_at, figures_changed_at) FROM initiative"
            " UNION SELECT greatest(updated_at, figures_changed_at) FROM kpi"
            " UNION SELECT updated_at FROM person UNION SELECT updated_at FROM department"
        )
    )
    instants = sorted({row[0].isoformat() for row in changed})
    ids = sorted({*ini, *kpi, *people, *deps})
    keys: dict[str, tuple[str, ...]] = {}
    for table, column in LOOKUPS.items():
        found = await run(sa.text(f"SELECT {column} FROM {table} ORDER BY id LIMIT 3"))
        keys[table] = tuple(found.scalars())
    facts = await run(
        sa.text(
            "(SELECT 'ProgressUpdate', min(id) FROM progress_update)"
            " UNION ALL (SELECT 'KpiMeasurement', max(id) FROM kpi_measurement)"
            " UNION ALL (SELECT 'AuditEvent', 1)"
        )
    )
    rows = [("Initiative", ini[0]), ("Kpi", kpi[1]), ("Person", boss[0]), ("Department", deps[2])]
    return Portfolio(
        tuple(encode_cursor(i) for i in ids[:: max(1, len(ids) // 8)]),
        tuple(deps),
        tuple(people),
        tuple(instants),
        keys,
        {
            "initiative": tuple(ini),
            "kpi": tuple(kpi),
            "person": tuple(people),
            "department": tuple(deps),
        },
        tuple(encode_id(name, key) for name, key in [*rows, *facts]),
    )


LOOKUPS = {"initiative": "code", "kpi": "code", "person": "email", "department": "code"}
