"""Import of the `irritants` sheet: matched on department and title, raisers resolved to
accounts, votes ignored, links to initiatives replaced; an export imports back unchanged."""

from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from schema import InitiativeIrritant, Irritant, IrritantVote
from service.transfer import export
from tests.factories import make_account, make_department, make_initiative, make_person
from tests.transfer.helpers import problem, problems_of, run

HEADER = (
    "department_code,title,description,process,severity,status,status_reason,"
    "raised_by_email,raised_at,votes,initiative_codes\n"
)
COUNTS_SQL = """
SELECT (SELECT count(*) FROM irritant), (SELECT count(*) FROM irritant_vote),
       (SELECT count(*) FROM initiative_irritant), (SELECT count(*) FROM audit_event)
"""
STORED_SQL = """
SELECT d.code, r.title, r.description, r.process, r.severity, r.status, r.status_reason,
       a.email, r.vote_count,
       (SELECT string_agg(i.code, '|' ORDER BY i.code) FROM initiative_irritant l
        JOIN initiative i ON i.id = l.initiative_id WHERE l.irritant_id = r.id)
FROM irritant r JOIN department d ON d.id = r.department_id
LEFT JOIN account a ON a.id = r.raised_by
ORDER BY r.id
"""


async def _company(session: AsyncSession) -> dict[str, Any]:
    """HR and IT, two accounts, an initiative in progress (INI-0A) and a done one (INI-0B)."""
    hr = await make_department(session, code="hr", name="HR")
    it = await make_department(session, code="it", name="IT")
    owner = await make_person(session, department_id=it.id)
    live = await make_initiative(
        session, code="INI-0A", department_id=it.id, owner_id=owner.id, status="in_progress"
    )
    done = await make_initiative(
        session,
        code="INI-0B",
        department_id=it.id,
        owner_id=owner.id,
        status="done",
        lessons_learned="Pilot first.",
    )
    ana = await make_account(session, "contributor", email="ana@example.com")
    bo = await make_account(session, "contributor", email="bo@example.com")
    return {"hr": hr, "it": it, "live": live, "done": done, "ana": ana, "bo": bo}


async def _raise(session: AsyncSession, company: dict[str, Any], **fields: Any) -> Irritant:
    """An irritant raised by ana (her vote counts) and voted by bo."""
    values = {"department_id": company["hr"].id, "raised_by": company["ana"].id} | fields
    irritant = Irritant(**values)
    session.add(irritant)
    await session.flush()
    assert irritant.id is not None
    for account in (company["ana"], company["bo"]):
        session.add(IrritantVote(irritant_id=irritant.id, account_id=account.id))
    await session.flush()
    return irritant


async def _tallies(session: AsyncSession) -> tuple[int, ...]:
    return tuple((await session.execute(text(COUNTS_SQL))).one())


async def _stored(session: AsyncSession) -> list[tuple[Any, ...]]:
    session.expire_all()
    return [tuple(row) for row in (await session.execute(text(STORED_SQL))).all()]


async def _exported(session: AsyncSession) -> bytes:
    return b"".join([chunk async for chunk in export.csv_chunks(session, "irritants")])


async def test_an_export_imports_back_unchanged(session: AsyncSession) -> None:
    company = await _company(session)
    first = await _raise(session, company, title="Badge readers fail", process="access")
    await _raise(
        session,
        company,
        title="Old laptops",
        department_id=company["it"].id,
        status="closed",
        status_reason="Replaced in 2025.",
        raised_by=None,
    )
    for initiative in (company["live"], company["done"]):
        session.add(InitiativeIrritant(initiative_id=initiative.id, irritant_id=first.id))
    await session.flush()
    exported = await _exported(session)
    before, stored = await _tallies(session), await _stored(session)

    report = await run(session, exported, "irritants.csv")

    assert report.model_dump()["counts"]["irritants"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
    }
    assert await _tallies(session) == before
    assert await _stored(session) == stored
    assert stored[0][5] == "addressed"


async def test_an_export_workbook_and_zip_import_back_unchanged(session: AsyncSession) -> None:
    company = await _company(session)
    irritant = await _raise(session, company, title="Badge readers fail", process="access")
    session.add(InitiativeIrritant(initiative_id=company["live"].id, irritant_id=irritant.id))
    await session.flush()
    workbook = b"".join([chunk async for chunk in export.xlsx_chunks(session)])
    archive = b"".join([chunk async for chunk in export.zip_chunks(session)])
    before, stored = await _tallies(session), await _stored(session)

    reports = [
        await run(session, workbook, "export.xlsx"),
        await run(session, archive, "export.zip"),
    ]

    unchanged = {"created": 0, "updated": 0, "unchanged": 1}
    assert [r.model_dump()["counts"]["irritants"] for r in reports] == [unchanged, unchanged]
    assert await _tallies(session) == before
    assert await _stored(session) == stored


async def test_a_new_irritant_is_created_with_its_raisers_vote_and_links(
    session: AsyncSession,
) -> None:
    await _company(session)
    before = await _tallies(session)
    row = (
        "hr,Payslips are late,Questions wait a week.,payroll,high,open,,Ana@Example.com,"
        "2026-11-01T09:30:00Z,40,INI-0A|INI-0B\n"
    )

    report = await run(session, HEADER + row, "irritants.csv")

    assert report.model_dump()["counts"]["irritants"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
    }
    # Votes are ignored: only the raiser's own vote counts; the done link addresses it.
    assert await _stored(session) == [
        (
            "hr",
            "Payslips are late",
            "Questions wait a week.",
            "payroll",
            "high",
            "addressed",
            "",
            "ana@example.com",
            1,
            "INI-0A|INI-0B",
        )
    ]
    raised_at = await session.scalar(
        text("SELECT to_char(raised_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM irritant")
    )
    assert raised_at == "2026-11-01 09:30"
    events = (
        await session.execute(
            text("SELECT action, entity_type, parent_type FROM audit_event ORDER BY id")
        )
    ).all()
    assert [tuple(e) for e in events][-4:] == [
        ("create", "irritant", None),
        ("vote", "irritant_vote", "irritant"),
        ("create", "initiative_irritant", "initiative"),
        ("create", "initiative_irritant", "initiative"),
    ]
    assert await _tallies(session) == (before[0] + 1, before[1] + 1, before[2] + 2, before[3] + 4)


async def test_an_existing_irritant_is_updated_and_its_links_replaced(
    session: AsyncSession,
) -> None:
    company = await _company(session)
    irritant = await _raise(session, company, title="Badge readers fail", process="access")
    session.add(InitiativeIrritant(initiative_id=company["done"].id, irritant_id=irritant.id))
    await session.flush()
    files = (
        "department_code,title,severity,initiative_codes\nhr,Badge readers fail,high,INI-0A\n",
        "department_code,title,status,status_reason\nhr,Badge readers fail,closed,Fixed.\n",
    )

    reports = [await run(session, content, "irritants.csv") for content in files]

    assert [r.model_dump()["counts"]["irritants"] for r in reports] == [
        {"created": 0, "updated": 1, "unchanged": 0},
        {"created": 0, "updated": 1, "unchanged": 0},
    ]
    assert await _stored(session) == [
        (
            "hr",
            "Badge readers fail",
            "",
            "access",
            "high",
            "closed",
            "Fixed.",
            "ana@example.com",
            2,
            "INI-0A",
        )
    ]


async def test_every_bad_column_is_refused_and_nothing_written(session: AsyncSession) -> None:
    company = await _company(session)
    await _raise(session, company, title="Badge readers fail")
    rows = (
        "sales,Unknown department,,,,,,,,,\n"
        "hr,Unknown raiser,,,,,,zoe@example.com,,,\n"
        "hr,Bad severity,,,urgent,,,,,,\n"
        "hr,Bad status,,,,solved,,,,,\n"
        "hr,Closed without a reason,,,,closed,,,,,\n"
        "hr,Bad time,,,,,,,yesterday,,\n"
        "hr,Unknown initiative,,,,,,,,,INI-0Z\n"
        "hr,,,,,,,,,,\n"
        "hr,Bad time,,,,,,,,,\n"
    )
    before = await _tallies(session)

    found = await problems_of(session, HEADER + rows, "irritants.csv")

    assert await _tallies(session) == before
    assert found == [
        problem(
            "irritants",
            2,
            "department_code",
            "No department with code 'sales' in the file or the database.",
            "unknown_reference",
        ),
        problem(
            "irritants",
            3,
            "raised_by_email",
            "No account with email 'zoe@example.com': leave it blank when nobody is recorded.",
            "unknown_account",
        ),
        problem(
            "irritants",
            4,
            "severity",
            "'urgent' is not one of high, medium, low.",
            "invalid_choice",
        ),
        problem(
            "irritants",
            5,
            "status",
            "'solved' is not one of open, addressed, closed.",
            "invalid_choice",
        ),
        problem(
            "irritants",
            6,
            "status_reason",
            "A closed irritant needs a status_reason: say why it is closed.",
            "reason_required",
        ),
        problem(
            "irritants",
            7,
            "raised_at",
            "'yesterday' is not a date and time: write it as 2026-11-01T09:30:00Z.",
            "invalid_datetime",
        ),
        problem(
            "irritants",
            8,
            "initiative_codes",
            "No initiative with code 'INI-0Z' in the file or the database.",
            "unknown_reference",
        ),
        problem("irritants", 9, "title", "A value is required.", "required"),
        problem(
            "irritants",
            10,
            "title",
            "Duplicate irritant 'Bad time' in department 'hr': it is also on row 7.",
            "duplicate_key",
        ),
    ]


async def test_the_template_imports_on_the_demo_company(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    hr = await make_department(session, code="hr", name="Human Resources")
    owner = await make_person(session, department_id=hr.id)
    await make_initiative(session, code="INI-003", department_id=hr.id, owner_id=owner.id)
    await make_account(
        session,
        "department_head",
        email="amina.benali@northbridge-home.example",
        department_id=hr.id,
    )
    template = await client.get("/api/v1/import/templates/irritants.csv")
    assert template.status_code == 200
    assert template.content.decode("utf-8-sig").splitlines()[0] == HEADER.strip()

    response = await client.post(
        "/api/v1/import", files={"file": ("irritants.csv", template.content)}
    )

    assert response.status_code == 200, response.text
    assert response.json()["counts"]["irritants"] == {"created": 1, "updated": 0, "unchanged": 0}
    stored = await _stored(session)
    assert [(r[0], r[1], r[7], r[8], r[9]) for r in stored] == [
        (
            "hr",
            "Transfer requests between stores take a month to answer",
            "amina.benali@northbridge-home.example",
            1,
            "INI-003",
        )
    ]


async def test_closing_and_reopening_need_a_reason(session: AsyncSession) -> None:
    company = await _company(session)
    closed = {"status": "closed", "status_reason": "Replaced in 2025."}
    await _raise(session, company, title="Old laptops", **closed)
    reopened = "department_code,title,status\nhr,Old laptops,open\n"
    emptied = "department_code,title,status_reason\nhr,Old laptops,\n"

    found = [
        await problems_of(session, content, "irritants.csv") for content in (reopened, emptied)
    ]
    report = await run(session, "department_code,title,severity\nhr,Old laptops,high\n", "i.csv")

    assert found == [
        [
            problem(
                "irritants",
                2,
                "status_reason",
                "Reopening a closed irritant needs a status_reason: say why it is reopened.",
                "reason_required",
            )
        ],
        [
            problem(
                "irritants",
                2,
                "status_reason",
                "A closed irritant needs a status_reason: say why it is closed.",
                "reason_required",
            )
        ],
    ]
    assert report.model_dump()["counts"]["irritants"] == {
        "created": 0,
        "updated": 1,
        "unchanged": 0,
    }
    assert (await _stored(session))[0][4:7] == ("high", "closed", "Replaced in 2025.")
