"""Files to import, and what the database holds, for the import and export tests."""

import io
import zipfile
from collections.abc import Mapping
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import SYSTEM, Actor
from service.transfer.limits import ImportLimits
from service.transfer.payloads import ImportProblem, ImportRejected, ImportReport
from service.transfer.service import import_file

TABLES = (
    "department",
    "person",
    "kpi",
    "kpi_department",
    "kpi_driver",
    "initiative",
    "initiative_kpi",
    "initiative_link",
    "kpi_measurement",
    "progress_update",
    "audit_event",
)
LIMIT = 1_000_000
LIMITS = ImportLimits(max_bytes=LIMIT)

# A small portfolio touching every sheet and every list column.
FILES = {
    "departments.csv": "code,name,head_email\nhr,Human Resources,amina@example.com\nit,IT,\n",
    "people.csv": (
        "email,name,title,department_code,manager_email,is_active\n"
        "amina@example.com,Amina Benali,HR Director,hr,,true\n"
        "bob@example.com,Bob Stone,Developer,it,amina@example.com,yes\n"
    ),
    "kpis.csv": (
        "code,name,direction,perspective,baseline_value,department_codes,driver_codes\n"
        "NPS,Net Promoter Score,increase,customer,18,hr|it,ENPS\n"
        "ENPS,Employee NPS,increase,employee,,hr,\n"
    ),
    "initiatives.csv": (
        "code,title,department_code,owner_email,orientation,client_share,status,"
        "lessons_learned,budget_planned,kpi_links,enables\n"
        "INI-1,Mobility portal,hr,amina@example.com,internal,,in_progress,,100.50,"
        "NPS:0.5|ENPS,INI-2\n"
        "INI-2,Web shop,it,bob@example.com,hybrid,0.7,approved,,2000,NPS,\n"
    ),
    "measurements.csv": "kpi_code,measured_on,value,source\nNPS,2026-01-31,12.5,Survey\n",
    "checkins.csv": (
        "initiative_code,reported_on,author_email,percent_complete,health,summary\n"
        "INI-1,2026-02-01,amina@example.com,10,green,Started.\n"
    ),
}


def zipped(files: Mapping[str, str | bytes]) -> bytes:
    """A zip holding `files` (name -> content)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


async def counts(session: AsyncSession) -> dict[str, int]:
    """Rows per table (audit events included)."""
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in TABLES)
    return {name: n for name, n in (await session.execute(text(sql))).all()}


async def run(
    session: AsyncSession,
    data: bytes | str,
    filename: str,
    *,
    dry_run: bool = False,
    actor: Actor = SYSTEM,
    limits: ImportLimits = LIMITS,
) -> ImportReport:
    """Import `data` as if uploaded under `filename`."""
    raw = data.encode() if isinstance(data, str) else data
    return await import_file(session, actor, raw, filename, limits=limits, dry_run=dry_run)


async def problems_of(
    session: AsyncSession, data: bytes | str, filename: str, **kw: Any
) -> list[dict[str, Any]]:
    """The problems an import of `data` reports; asserts that it wrote nothing."""
    before = await counts(session)
    try:
        await run(session, data, filename, **kw)
    except ImportRejected as rejected:
        assert await counts(session) == before
        return [p.model_dump() for p in rejected.problems]
    raise AssertionError("the import was expected to be refused")


def problem(
    sheet: str | None, row: int | None, column: str | None, message: str, code: str
) -> dict[str, Any]:
    """An expected problem."""
    return ImportProblem(
        sheet=sheet, row=row, column=column, message=message, code=code
    ).model_dump()


def counted(**entities: tuple[int, int, int]) -> dict[str, dict[str, int]]:
    """Expected counts: entity=(created, updated, unchanged); unnamed entities all zero."""
    names = ("departments", "people", "kpis", "initiatives", "measurements", "checkins")
    return {
        name: dict(
            zip(("created", "updated", "unchanged"), entities.get(name, (0, 0, 0)), strict=True)
        )
        for name in names
    }
