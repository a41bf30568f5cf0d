"""Demo data goes into an empty database only; one loader at a time."""

from service.errors import Conflict

# Serialises concurrent loaders (two replicas started with --demo, say): the second one
# waits, then sees the first one's data and keeps it.
LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('cdo-portfolio.demo-load'))"

COUNTS_SQL = """
SELECT (SELECT count(*) FROM initiative) AS initiatives,
       (SELECT count(*) FROM department) AS departments,
       (SELECT count(*) FROM person) AS people,
       (SELECT count(*) FROM kpi) AS kpis
"""

COUNT_NAMES = ("initiatives", "departments", "people", "KPIs")


def refusal(counts: tuple[int, ...]) -> Conflict | None:
    """The error to raise when the portfolio tables already hold rows, else None."""
    held = [f"{count} {name}" for count, name in zip(counts, COUNT_NAMES, strict=True) if count]
    if not held:
        return None
    return Conflict(
        f"The database is not empty (it holds {', '.join(held)}); demo data is only "
        "loaded into an empty database.",
        code="database_not_empty",
    )
