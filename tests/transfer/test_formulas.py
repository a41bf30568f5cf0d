"""Text that could run as a formula: neutralised in CSV and zip exports, restored on import."""

import csv
import io
import zipfile
from datetime import date

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.transfer.formulas import neutralise, restore
from tests.factories import make_initiative, make_kpi, make_measurement, make_update
from tests.transfer.helpers import counted

# (stored text, CSV cell)
RISKY = [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
    ("-10% cost", "'-10% cost"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\tindented", "'\tindented"),
    ("'=already quoted", "''=already quoted"),
    ("'quoted, harmless", "'quoted, harmless"),
    ("It's = fine", "It's = fine"),
]


# A workbook's XML turns a carriage return into a line feed: only CSV keeps it.
CARRIAGE_RETURN = ("\rcarriage", "'\rcarriage")


@pytest.mark.parametrize(("stored", "written"), [*RISKY, CARRIAGE_RETURN, ("", ""), ("'", "'")])
def test_a_cell_is_neutralised_and_restored_exactly(stored: str, written: str) -> None:
    assert (neutralise(stored), restore(written)) == (written, stored)


def column(content: bytes, name: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    at = rows[0].index(name)
    return [row[at] for row in rows[1:]]


async def test_risky_text_round_trips_through_every_export_format(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    for n, (stored, _) in enumerate(RISKY):
        initiative = await make_initiative(session, code=f"INI-{n + 1}", title=stored)
        await make_update(session, initiative, summary=stored)
    kpi = await make_kpi(session, code="NPS", department_ids=[initiative.department_id])
    await make_measurement(session, kpi, date(2026, 1, 31), "-5")
    written = [cell for _, cell in RISKY]

    one = await client.get("/api/v1/export", params={"format": "csv", "entity": "initiatives"})
    assert column(one.content, "title") == written
    archive = (await client.get("/api/v1/export", params={"format": "zip"})).content
    with zipfile.ZipFile(io.BytesIO(archive)) as unzipped:
        assert unzipped.read("initiatives.csv") == one.content
        assert column(unzipped.read("checkins.csv"), "summary") == written
        assert column(unzipped.read("measurements.csv"), "value") == ["-5"]
    workbook = (await client.get("/api/v1/export", params={"format": "xlsx"})).content
    titles = load_workbook(io.BytesIO(workbook))["initiatives"]["B"][1:]
    assert [(cell.value, cell.data_type) for cell in titles] == [(s, "s") for s, _ in RISKY]

    unchanged = counted(
        departments=(0, 0, len(RISKY)),
        people=(0, 0, len(RISKY)),
        kpis=(0, 0, 1),
        initiatives=(0, 0, len(RISKY)),
        measurements=(0, 0, 1),
        checkins=(0, 0, len(RISKY)),
    )
    for name, content in (("export.zip", archive), ("export.xlsx", workbook)):
        response = await client.post("/api/v1/import", files={"file": (name, content)})
        assert (response.status_code, response.json()["counts"]) == (200, unchanged), name
    titles_now = await session.scalars(text("SELECT title FROM initiative ORDER BY code"))
    summaries = await session.scalars(text("SELECT summary FROM progress_update ORDER BY id"))
    stored = [s for s, _ in RISKY]
    assert (list(titles_now), list(summaries)) == (stored, stored)


async def test_a_leading_carriage_return_round_trips_through_a_zip(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    stored, written = CARRIAGE_RETURN
    await make_update(session, await make_initiative(session, title=stored), summary=stored)
    archive = (await client.get("/api/v1/export", params={"format": "zip"})).content
    with zipfile.ZipFile(io.BytesIO(archive)) as unzipped:
        assert column(unzipped.read("initiatives.csv"), "title") == [written]
        assert column(unzipped.read("checkins.csv"), "summary") == [written]
    response = await client.post("/api/v1/import", files={"file": ("export.zip", archive)})
    assert response.json()["counts"]["initiatives"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert response.json()["counts"]["checkins"] == {"created": 0, "updated": 0, "unchanged": 1}
