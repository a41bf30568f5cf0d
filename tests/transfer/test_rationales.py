"""`initiatives.kpi_rationales`: why each linked KPI moves, imported, exported and checked."""

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.transfer import cells, export
from service.transfer.columns import KPI_CODE
from tests.transfer.helpers import FILES, problem, problems_of, run, zipped

EXPLAINED = cells.explained_codes(KPI_CODE, cells.text(40))
HEADER = (
    "code,title,department_code,owner_email,orientation,client_share,status,"
    "lessons_learned,budget_planned,kpi_links,enables"
)


def _with_rationales(first: str, second: str = "") -> dict[str, str]:
    """FILES with a kpi_rationales column: `first` for INI-1, `second` for INI-2."""
    lines = FILES["initiatives.csv"].splitlines()
    assert lines[0] == HEADER
    rows = [lines[1], lines[2]]
    quoted = [f'"{value.replace(chr(34), chr(34) * 2)}"' for value in (first, second)]
    body = "".join(f"{row},{value}\n" for row, value in zip(rows, quoted, strict=True))
    return {**FILES, "initiatives.csv": f"{HEADER},kpi_rationales\n{body}"}


async def _rationales(session: AsyncSession) -> list[tuple[str, str, str]]:
    rows = await session.execute(
        text(
            "SELECT i.code, k.code, ik.rationale FROM initiative_kpi ik"
            " JOIN initiative i ON i.id = ik.initiative_id JOIN kpi k ON k.id = ik.kpi_id"
            " ORDER BY i.code, k.code"
        )
    )
    return [tuple(row) for row in rows.all()]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "NPS: Faster answers.|ENPS: Less churn",
            [("NPS", "Faster answers."), ("ENPS", "Less churn")],
        ),
        ("A:B: costs: down", [("A:B", "costs: down")]),
        (r"NPS: either \| or|ENPS: C:\\share", [("NPS", "either | or"), ("ENPS", r"C:\share")]),
        (r"NPS: a \d", [("NPS", r"a \d")]),
    ],
)
def test_cells_read(raw: str, expected: list[tuple[str, str]]) -> None:
    assert EXPLAINED(raw, False) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("NPS Faster", "'NPS Faster' is not 'CODE: text' (a code, a colon, a space, the text)."),
        ("NPS: a|NPS: b", "'NPS' is listed twice."),
        ("NPS: " + "x" * 41, "Text of NPS: Longer than 40 characters."),
    ],
)
def test_cells_refused(raw: str, message: str) -> None:
    with pytest.raises(cells.CellError) as refused:
        EXPLAINED(raw, False)
    assert refused.value.message == message


async def test_rationales_are_written_and_kept_by_a_file_without_them(
    session: AsyncSession,
) -> None:
    files = _with_rationales("NPS: Mobile staff answer faster.", "NPS: Web shop clients.")
    await run(session, zipped(files), "portfolio.zip")
    written = [
        ("INI-1", "ENPS", ""),
        ("INI-1", "NPS", "Mobile staff answer faster."),
        ("INI-2", "NPS", "Web shop clients."),
    ]
    assert await _rationales(session) == written
    await run(session, zipped(FILES), "portfolio.zip")
    assert await _rationales(session) == written


async def test_a_rationale_needs_its_link(session: AsyncSession) -> None:
    files = _with_rationales("CHURN: Nobody links it.")
    assert await problems_of(session, zipped(files), "portfolio.zip") == [
        problem(
            "initiatives",
            2,
            "kpi_rationales",
            "A rationale for 'CHURN', which kpi_links does not list on this row.",
            "rationale_without_link",
        )
    ]


async def test_rationales_need_the_links_column(session: AsyncSession) -> None:
    files = {
        **FILES,
        "initiatives.csv": "code,title,department_code,owner_email,orientation,kpi_rationales\n"
        "INI-1,Mobility portal,hr,amina@example.com,internal,NPS: Faster.\n",
    }
    problems: list[dict[str, Any]] = await problems_of(session, zipped(files), "portfolio.zip")
    assert problems == [
        problem(
            "initiatives",
            1,
            "kpi_rationales",
            "kpi_rationales explains the KPIs of kpi_links: add the kpi_links column too.",
            "missing_column",
        )
    ]


async def test_the_export_writes_them_back_as_the_import_reads_them(
    session: AsyncSession,
) -> None:
    tricky = r"Either | or, C:\share"
    await run(session, zipped(_with_rationales("NPS: Faster.")), "portfolio.zip")
    update = text("UPDATE initiative_kpi SET rationale = :r WHERE rationale <> ''")
    await session.execute(update, {"r": tricky})
    exported = b"".join([chunk async for chunk in export.csv_chunks(session, "initiatives")])
    assert r"NPS: Either \| or, C:\\share" in exported.decode()
    await session.execute(update, {"r": "Changed since."})
    await run(session, exported, "initiatives.csv")
    assert await _rationales(session) == [
        ("INI-1", "ENPS", ""),
        ("INI-1", "NPS", tricky),
        ("INI-2", "NPS", ""),
    ]
