"""Demo data goes into an empty database only; one loader at a time."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.demo import dataset
from service.errors import Conflict
from service.i18n import gettext as _

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

# `serve --demo` loads the demo only when there is nothing at all, accounts included.
ACCOUNTS_SQL = "SELECT count(*) FROM account"

DEMO_DEPARTMENTS = frozenset(code for code, _ in dataset.department_names())
DEMO_PEOPLE = dataset.person_emails()


def refusal(counts: tuple[int, ...]) -> Conflict | None:
    """The error to raise when the portfolio tables already hold rows, else None."""
    held = [f"{count} {name}" for count, name in zip(counts, COUNT_NAMES, strict=True) if count]
    if not held:
        return None
    return Conflict(
        _(
            "The database is not empty (it holds %(tables)s); demo data is only loaded into an"
            " empty database."
        )
        % {"tables": ", ".join(held)},
        code="database_not_empty",
    )


async def holds_only_the_demo(session: AsyncSession) -> bool:
    """True when the departments and people are exactly those of the demo company."""
    departments = set((await session.scalars(text("SELECT code FROM department"))).all())
    people = set((await session.scalars(text("SELECT email FROM person"))).all())
    return departments == DEMO_DEPARTMENTS and people == DEMO_PEOPLE


def not_the_demo() -> Conflict:
    """The error of demo accounts asked for on a database that holds other data."""
    return Conflict(
        _("The database holds data other than the demo company: no demo account is created."),
        code="not_the_demo",
    )
