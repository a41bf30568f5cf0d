"""REST: POST /import, GET /export, the templates."""

import csv
import io
import zipfile
from datetime import date
from typing import Any

import httpx
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import Actor, Role
from service.deps import current_actor
from service.transfer import export
from service.transfer.columns import ENTITIES
from service.transfer.irritant_columns import IMPORTED
from service.transfer.router import ExportSheet, TemplateSheet
from tests.factories import make_department
from tests.transfer.helpers import FILES, counted, counts, problem, zipped

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def upload(
    client: httpx.AsyncClient, name: str, content: bytes | str, **params: Any
) -> httpx.Response:
    raw = content.encode() if isinstance(content, str) else content
    return await client.post("/api/v1/import", files={"file": (name, raw)}, params=params)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


class TestImport:
    async def test_a_valid_file_answers_the_report(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        response = await upload(client, "portfolio.zip", zipped(FILES))
        assert response.status_code == 200
        assert response.json() == {
            "ok": True,
            "dry_run": False,
            "problems": [],
            "counts": counted(
                departments=(2, 0, 0),
                people=(2, 0, 0),
                kpis=(2, 0, 0),
                initiatives=(2, 0, 0),
                measurements=(1, 0, 0),
                checkins=(1, 0, 0),
            ),
        }
        assert (await counts(session))["initiative"] == 2

    async def test_a_dry_run_writes_nothing(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        response = await upload(client, "portfolio.zip", zipped(FILES), dry_run="true")
        assert response.status_code == 200
        assert response.json()["dry_run"] is True
        assert response.json()["counts"]["people"] == {"created": 2, "updated": 0, "unchanged": 0}
        assert (await counts(session))["person"] == 0

    async def test_an_invalid_file_is_a_problem_listing_everything(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        response = await upload(client, "departments.csv", "code,name\nhr,HR\nhr,People\n")
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json() == {
            "type": "about:blank#import_invalid",
            "title": "The file cannot be imported",
            "status": 422,
            "detail": "The file has 1 problem; nothing was imported. Fix it and import again.",
            "code": "import_invalid",
            "instance": "/api/v1/import",
            "dry_run": False,
            "problems": [
                problem(
                    "departments",
                    3,
                    "code",
                    "Duplicate department code 'hr': it is also on row 2.",
                    "duplicate_key",
                )
            ],
        }
        assert (await counts(session))["department"] == 0

    async def test_a_file_over_the_limit_is_413(self, app: Any, client: httpx.AsyncClient) -> None:
        app.state.settings = app.state.settings.model_copy(update={"import_max_bytes": 10})
        response = await upload(client, "departments.csv", "code,name\nhr,HR\n")
        message = "The file is 16 bytes; the import limit is 10 bytes (IMPORT_MAX_BYTES)."
        assert response.status_code == 413
        assert response.json() == {
            "type": "about:blank#file_too_large",
            "title": "File too large",
            "status": 413,
            "detail": message,
            "code": "file_too_large",
            "instance": "/api/v1/import",
            "dry_run": False,
            "limit": {"name": "IMPORT_MAX_BYTES", "value": 10},
            "problems": [problem(None, None, None, message, "file_too_large")],
        }

    async def test_only_the_cdo_office_imports(self, app: Any, client: httpx.AsyncClient) -> None:
        head = Actor(account_id=None, role=Role.department_head, department_id=1, label="head")
        app.dependency_overrides[current_actor] = lambda: head
        response = await upload(client, "portfolio.zip", zipped(FILES))
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"

    async def test_the_template_workbook_imports_cleanly(self, client: httpx.AsyncClient) -> None:
        template = await client.get("/api/v1/import/template.xlsx")
        response = await upload(client, "template.xlsx", template.content)
        assert response.status_code == 200
        assert response.json()["counts"] == counted(
            departments=(1, 0, 0),
            people=(3, 0, 0),
            kpis=(1, 0, 0),
            initiatives=(1, 0, 0),
            measurements=(1, 0, 0),
            checkins=(1, 0, 0),
        )


class TestExport:
    async def test_csv_of_one_sheet(self, client: httpx.AsyncClient) -> None:
        await upload(client, "portfolio.zip", zipped(FILES))
        response = await client.get("/api/v1/export", params={"format": "csv", "entity": "people"})
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"] == 'attachment; filename="people.csv"'
        assert response.content.startswith(b"\xef\xbb\xbf")
        assert csv_rows(response.content) == [
            ["email", "name", "title", "department_code", "manager_email", "is_active"],
            ["amina@example.com", "Amina Benali", "HR Director", "hr", "", "true"],
            ["bob@example.com", "Bob Stone", "Developer", "it", "amina@example.com", "true"],
        ]

    async def test_csv_needs_an_entity(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/export", params={"format": "csv"})
        assert response.status_code == 422
        assert response.json()["code"] == "entity_required"

    async def test_zip_of_every_sheet(self, client: httpx.AsyncClient) -> None:
        await upload(client, "portfolio.zip", zipped(FILES))
        response = await client.get("/api/v1/export", params={"format": "zip"})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/zip"
        stamp = date.today().isoformat()
        assert response.headers["content-disposition"] == (
            f'attachment; filename="cdo-portfolio-{stamp}.zip"'
        )
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        assert archive.namelist() == [f"{name}.csv" for name in export.SHEET_NAMES]
        assert csv_rows(archive.read("initiatives.csv"))[1] == [
            "INI-1",
            "Mobility portal",
            "",
            "hr",
            "amina@example.com",
            "",
            "in_progress",
            "internal",
            "0",
            "user_need",
            "",
            "",
            "false",
            "",
            "",
            "",
            "",
            "100.50",
            "ENPS:1|NPS:0.5",
            "",
            "INI-2",
            "",
        ]

    async def test_xlsx_cells_are_typed(self, client: httpx.AsyncClient) -> None:
        await upload(client, "portfolio.zip", zipped(FILES))
        response = await client.get("/api/v1/export")
        assert response.headers["content-type"] == XLSX
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == list(export.SHEET_NAMES)
        initiatives = workbook["initiatives"]
        budget = initiatives["R2"]
        assert (budget.value, budget.number_format) == (100.5, "#,##0.00")
        measured = workbook["measurements"]["B2"]
        assert (measured.value.date(), measured.is_date) == (date(2026, 1, 31), True)
        assert workbook["people"]["F2"].value is True

    async def test_xlsx_drops_what_xml_cannot_hold_and_never_writes_formulas(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await make_department(session, code="hr", name="Human\x02 Resources")
        await make_department(session, code="it", name="=1+1")
        response = await client.get("/api/v1/export", params={"entity": "departments"})
        sheet = load_workbook(io.BytesIO(response.content))["departments"]
        assert [(c.value, c.data_type) for c in sheet["B"]][1:] == [
            ("Human Resources", "s"),
            ("=1+1", "s"),
        ]

    async def test_an_exported_workbook_imports_back_unchanged(
        self, client: httpx.AsyncClient
    ) -> None:
        await upload(client, "portfolio.zip", zipped(FILES))
        workbook = await client.get("/api/v1/export", params={"format": "xlsx"})
        response = await upload(client, "export.xlsx", workbook.content)
        assert response.json()["counts"] == counted(
            departments=(0, 0, 2),
            people=(0, 0, 2),
            kpis=(0, 0, 2),
            initiatives=(0, 0, 2),
            measurements=(0, 0, 1),
            checkins=(0, 0, 1),
        )


class TestTemplates:
    async def test_csv_template(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/import/templates/departments.csv")
        assert response.status_code == 200
        assert response.headers["content-disposition"] == 'attachment; filename="departments.csv"'
        assert csv_rows(response.content) == [
            ["code", "name", "head_email"],
            ["finance", "Finance", "ingrid.halvorsen@northbridge-home.example"],
        ]

    async def test_every_sheet_has_a_template(self, client: httpx.AsyncClient) -> None:
        for entity in ENTITIES:
            response = await client.get(f"/api/v1/import/templates/{entity.name}.csv")
            assert csv_rows(response.content)[0] == entity.names

    async def test_unknown_sheet_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/import/templates/budgets.csv")
        assert response.status_code == 422

    async def test_workbook_template(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/import/template.xlsx")
        assert response.headers["content-type"] == XLSX
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == [entity.name for entity in ENTITIES]
        assert [c.value for c in workbook["kpis"][1]] == ENTITIES[2].names


def test_the_route_enums_name_every_sheet() -> None:
    assert [s.value for s in ExportSheet] == list(export.SHEET_NAMES)
    assert [s.value for s in TemplateSheet] == [entity.name for entity in IMPORTED]
