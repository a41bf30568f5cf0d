"""Pages: the spreadsheet import upload and the export downloads (CDO office)."""

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Department
from tests.pages.conftest import Browser, World


async def _upload(
    browser: Browser, content: str, *, filename: str = "departments.csv", dry_run: bool = False
) -> httpx.Response:
    data = {"csrf_token": browser.csrf} | ({"dry_run": "on"} if dry_run else {})
    files = {"file": (filename, content.encode(), "text/csv")}
    return await browser.http.post("/transfer", data=data, files=files)


async def _departments(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(Department))).scalar_one())


async def _codes(session: AsyncSession) -> list[str]:
    rows = await session.execute(select(Department.code).order_by(col(Department.code)))
    return list(rows.scalars())


async def test_the_cdo_office_sees_the_page_and_the_menu_entry(cdo: Browser, world: World) -> None:
    response = await cdo.get("/transfer")
    assert response.status_code == 200
    assert '<a href="/transfer" aria-current="page">Import / export</a>' in response.text
    assert '<label for="f-file">Spreadsheet' in response.text
    assert 'name="dry_run"> Check only (dry run)</label>' in response.text
    assert f'name="csrf_token" value="{cdo.csrf}"' in response.text
    assert 'href="/api/v1/import/template.xlsx"' in response.text
    assert 'href="/api/v1/import/templates/departments.csv"' in response.text
    assert 'href="/api/v1/export?format=xlsx"' in response.text
    assert 'href="/api/v1/export?format=zip"' in response.text
    template = await cdo.get("/api/v1/import/templates/departments.csv")
    assert (template.status_code, template.text.splitlines()[0]) == (
        200,
        "\ufeffcode,name,head_email",
    )


async def test_a_department_head_is_refused(head: Browser, world: World) -> None:
    assert (await head.get("/transfer")).status_code == 403
    assert 'href="/transfer"' not in (await head.get("/")).text
    response = await _upload(head, "code,name\nlegal,Legal\n")
    assert response.status_code == 403


async def test_a_valid_file_is_imported(cdo: Browser, world: World, session: AsyncSession) -> None:
    response = await _upload(cdo, "code,name\nlegal,Legal\n")
    assert response.status_code == 200
    assert "Import done" in response.text
    row = (
        '<tr><th scope="row">Departments</th><td class="num">1</td>'
        '<td class="num">0</td><td class="num">0</td></tr>'
    )
    assert row in response.text
    assert await _codes(session) == ["hr", "it", "legal", "marketing"]


async def test_a_file_with_a_bad_row_shows_the_problem_and_writes_nothing(
    cdo: Browser, world: World, session: AsyncSession
) -> None:
    response = await _upload(cdo, "code,name\nlegal,Legal\nlegal,Law\n")
    assert response.status_code == 422
    assert "The file has 1 problem; nothing was imported." in response.text
    row = (
        '<tr><td>departments</td><td class="num">3</td><td>code</td>'
        "<td>Duplicate department code &#39;legal&#39;: it is also on row 2.</td></tr>"
    )
    assert row in response.text
    assert "Traceback" not in response.text
    assert await _departments(session) == 3


async def test_a_dry_run_writes_nothing(cdo: Browser, world: World, session: AsyncSession) -> None:
    response = await _upload(cdo, "code,name\nlegal,Legal\nhr,Human Resources\n", dry_run=True)
    assert response.status_code == 200
    assert "Check passed: nothing was written" in response.text
    row = (
        '<tr><th scope="row">Departments</th><td class="num">1</td>'
        '<td class="num">0</td><td class="num">1</td></tr>'
    )
    assert row in response.text
    assert await _codes(session) == ["hr", "it", "marketing"]


async def test_a_missing_file_is_asked_for(cdo: Browser, world: World) -> None:
    response = await cdo.http.post("/transfer", data={"csrf_token": cdo.csrf})
    assert response.status_code == 422
    assert "Choose a file to import." in response.text


async def test_a_file_over_a_limit_is_refused_naming_it(
    cdo: Browser, world: World, session: AsyncSession, secured_app: Any
) -> None:
    settings = secured_app.state.settings
    secured_app.state.settings = settings.model_copy(update={"import_max_rows": 2})
    response = await _upload(cdo, "code,name\nlegal,Legal\nlaw,Law\nops,Operations\n")
    assert response.status_code == 422
    assert (
        "The departments sheet has more than 2 rows; the import limit is 2 rows per sheet"
        " (IMPORT_MAX_ROWS). Split it into several files."
    ) in response.text
    assert await _departments(session) == 3
