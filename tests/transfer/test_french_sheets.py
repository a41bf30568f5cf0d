"""Spreadsheets in both languages: exports and templates named in the request's language,
imports reading the headers of either, problems in the request's language naming the
column as the file does."""

import csv
import io
import zipfile
from typing import Any

import httpx
from openpyxl import load_workbook

from service.transfer import headers
from service.transfer.irritant_columns import IMPORTED
from tests.transfer.helpers import FILES, counted, problem, zipped

FR = {"Accept-Language": "fr"}
FRENCH_INITIATIVES = [
    "code",
    "titre",
    "description",
    "code_département",
    "email_responsable",
    "email_sponsor",
    "statut",
    "orientation",
    "part_client",
    "origine",
    "besoin_utilisateur",
    "utilisateurs_cibles",
    "expérimentation",
    "hypothèse",
    "leçons_apprises",
    "date_début",
    "date_cible",
    "budget_prévu",
    "liens_kpi",
    "justifications_kpi",
    "permet",
    "dépend_de",
]
FRENCH_SHEETS = [
    "départements",
    "personnes",
    "kpi",
    "initiatives",
    "mesures",
    "points_avancement",
    "irritants",
    "alertes",
    "équilibre",
]


async def upload(
    client: httpx.AsyncClient, name: str, content: bytes | str, **kw: Any
) -> httpx.Response:
    raw = content.encode() if isinstance(content, str) else content
    return await client.post("/api/v1/import", files={"file": (name, raw)}, **kw)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_every_column_has_one_header_per_language_that_no_other_column_takes() -> None:
    for entity in IMPORTED:
        for name in entity.names:
            french = headers.header(name, "fr")
            assert (headers.key_of(french, entity.names), headers.key_of(name, entity.names)) == (
                name,
                name,
            ), (entity.name, name, french)


async def test_a_french_csv_export_has_french_headers(client: httpx.AsyncClient) -> None:
    await upload(client, "portfolio.zip", zipped(FILES))
    params = {"format": "csv", "entity": "initiatives"}
    french = await client.get("/api/v1/export", params=params, headers=FR)
    english = await client.get("/api/v1/export", params=params)
    assert (french.status_code, french.headers["content-language"]) == (200, "fr")
    assert csv_rows(french.content)[0] == FRENCH_INITIATIVES
    assert csv_rows(english.content)[0][:4] == ["code", "title", "description", "department_code"]
    assert csv_rows(french.content)[1:] == csv_rows(english.content)[1:]


async def test_a_french_workbook_names_its_sheets_in_french_and_imports_back_unchanged(
    client: httpx.AsyncClient,
) -> None:
    await upload(client, "portfolio.zip", zipped(FILES))
    exported = await client.get("/api/v1/export", params={"format": "xlsx"}, headers=FR)
    workbook = load_workbook(io.BytesIO(exported.content), read_only=True)
    assert workbook.sheetnames == FRENCH_SHEETS
    first_row = next(workbook["initiatives"].iter_rows(max_row=1, values_only=True))
    assert list(first_row) == FRENCH_INITIATIVES
    for request_headers in (FR, {}):  # a French export re-imports in either language
        response = await upload(client, "export.xlsx", exported.content, headers=request_headers)
        assert (response.status_code, response.json()["counts"]) == (
            200,
            counted(
                departments=(0, 0, 2),
                people=(0, 0, 2),
                kpis=(0, 0, 2),
                initiatives=(0, 0, 2),
                measurements=(0, 0, 1),
                checkins=(0, 0, 1),
            ),
        )


async def test_a_french_zip_export_imports_back_unchanged(client: httpx.AsyncClient) -> None:
    await upload(client, "portfolio.zip", zipped(FILES))
    exported = await client.get("/api/v1/export", params={"format": "zip"}, headers=FR)
    names = zipfile.ZipFile(io.BytesIO(exported.content)).namelist()
    assert names == [f"{name}.csv" for name in FRENCH_SHEETS]
    response = await upload(client, "export.zip", exported.content)
    assert response.json()["counts"]["initiatives"] == {"created": 0, "updated": 0, "unchanged": 2}


async def test_an_english_template_imports_under_a_french_request(
    client: httpx.AsyncClient,
) -> None:
    template = await client.get("/api/v1/import/template.xlsx")
    sheets = load_workbook(io.BytesIO(template.content), read_only=True).sheetnames
    assert sheets == ["departments", "people", "kpis", "initiatives", "measurements", "checkins"]
    response = await upload(client, "template.xlsx", template.content, headers=FR)
    assert (response.status_code, response.json()["counts"]) == (
        200,
        counted(
            departments=(1, 0, 0),
            people=(3, 0, 0),
            kpis=(1, 0, 0),
            initiatives=(1, 0, 0),
            measurements=(1, 0, 0),
            checkins=(1, 0, 0),
        ),
    )


async def test_a_french_template_has_french_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/import/templates/departments.csv", headers=FR)
    assert csv_rows(response.content) == [
        ["code", "nom", "email_responsable"],
        ["finance", "Finance", "ingrid.halvorsen@northbridge-home.example"],
    ]


async def test_cell_problems_speak_the_request_language_and_name_the_file_column(
    client: httpx.AsyncClient,
) -> None:
    await upload(client, "portfolio.zip", zipped(FILES))
    exported = await client.get(
        "/api/v1/export", params={"format": "csv", "entity": "initiatives"}, headers=FR
    )
    rows = csv_rows(exported.content)
    rows[1][FRENCH_INITIATIVES.index("budget_prévu")] = "beaucoup"
    del rows[2]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    french = await upload(client, "initiatives.csv", buffer.getvalue(), headers=FR)
    english = await upload(client, "initiatives.csv", buffer.getvalue())
    assert (french.status_code, french.json()["detail"], french.json()["problems"]) == (
        422,
        "Le fichier a 1 problème ; rien n'a été importé. Corrigez-le et importez de nouveau.",
        [
            problem(
                "initiatives",
                2,
                "budget_prévu",
                "« beaucoup » n'est pas un nombre.",
                "invalid_number",
            )
        ],
    )
    assert english.json()["problems"] == [
        problem("initiatives", 2, "budget_prévu", "'beaucoup' is not a number.", "invalid_number")
    ]


async def test_a_missing_column_is_named_in_the_request_language(
    client: httpx.AsyncClient,
) -> None:
    response = await upload(client, "people.csv", "Email,Titre\nzoe@example.com,RH\n", headers=FR)
    assert response.json()["problems"] == [
        problem(
            "people",
            1,
            "nom",
            "Colonne « nom » manquante : elle est obligatoire.",
            "missing_column",
        )
    ]
