"""REST handlers for the spreadsheet round trip: import, export and templates."""

from collections.abc import AsyncIterator
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from service import i18n
from service.deps import ActorDep, SessionDep, get_session
from service.errors import ValidationFailed
from service.i18n import gettext as _
from service.initiatives import service as initiatives_service
from service.initiatives.payloads import InitiativeFilter
from service.observability import metrics
from service.problems import PROBLEM_RESPONSES
from service.transfer import export, service, templates
from service.transfer.limits import ImportLimits
from service.transfer.payloads import ImportReport

router = APIRouter(tags=["import and export"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
CSV = "text/csv; charset=utf-8"

# The default (request) scope keeps the session open until the streamed body is sent.
StreamSessionDep = Annotated[AsyncSession, Depends(get_session)]


class TemplateSheet(StrEnum):
    departments = "departments"
    people = "people"
    kpis = "kpis"
    initiatives = "initiatives"
    measurements = "measurements"
    checkins = "checkins"
    irritants = "irritants"


class ExportSheet(StrEnum):
    departments = "departments"
    people = "people"
    kpis = "kpis"
    initiatives = "initiatives"
    measurements = "measurements"
    checkins = "checkins"
    irritants = "irritants"
    flags = "flags"
    balance = "balance"


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    zip = "zip"
    csv = "csv"


def _file(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {media_type: {}}, "description": description}}


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


@router.post(
    "/import",
    summary="Import a spreadsheet",
    responses={
        413: PROBLEM_RESPONSES[422]
        | {"description": "File over a size limit (as sent or unpacked)"}
    },
)
async def import_spreadsheet(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File(description="CSV, XLSX workbook, or zip of CSV files.")],
    dry_run: bool = Query(False, description="Check and count only; write nothing."),
) -> ImportReport:
    """Check every row of the file, then write it all in one transaction (CDO office only).

    Invalid files answer 422 with every problem in `problems` (sheet, row, column,
    message); nothing is written. A file over a limit (`IMPORT_MAX_BYTES`,
    `IMPORT_MAX_UNPACKED_BYTES`: 413; `IMPORT_MAX_ROWS`, `IMPORT_MAX_CELLS`: 422
    `import_too_large`) names it in `limit`; reading stops there.
    """
    limits = ImportLimits.of(request.app.state.settings)
    data = await file.read(limits.max_bytes + 1)
    return await service.import_file(
        session,
        actor,
        data,
        file.filename or "upload",
        limits=limits,
        dry_run=dry_run,
        size=file.size,
    )


@router.get(
    "/export",
    summary="Export the portfolio",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {XLSX: {}, ZIP: {}, CSV: {}},
            "description": "The workbook, the zip of CSV files, or one CSV file.",
        }
    },
)
async def export_portfolio(
    session: StreamSessionDep,
    format: ExportFormat = Query(ExportFormat.xlsx, description="xlsx, zip or csv."),
    entity: ExportSheet | None = Query(None, description="One sheet (required for csv)."),
    initiatives: Annotated[InitiativeFilter, Query()] = InitiativeFilter(),
) -> StreamingResponse:
    """Stream the portfolio as a workbook, a zip of CSV files, or the CSV of one sheet.

    The filters of the initiative list restrict the initiatives sheet.
    """
    names = [entity.value] if entity is not None else list(export.SHEET_NAMES)
    where = initiatives_service.filters_of(initiatives)
    locale = i18n.current()  # sheet names and headers in the request's language
    stamp = date.today().isoformat()
    body: AsyncIterator[bytes]
    if format is ExportFormat.csv:
        if entity is None:
            raise ValidationFailed(
                _("entity: name the sheet to export as CSV, or ask for format=zip."),
                code="entity_required",
                field="entity",
            )
        body = export.csv_chunks(session, entity.value, where=where, locale=locale)
        media, filename = CSV, f"{entity.value}.csv"
    elif format is ExportFormat.zip:
        body = export.zip_chunks(session, names, where=where, locale=locale)
        media, filename = ZIP, f"cdo-portfolio-{stamp}.zip"
    else:
        body, media = export.xlsx_chunks(session, names, where=where, locale=locale), XLSX
        filename = f"cdo-portfolio-{stamp}.xlsx"
    body = metrics.timed_export(body, format.value)
    return StreamingResponse(body, media_type=media, headers=_attachment(filename))


@router.get(
    "/import/templates/{entity}.csv",
    summary="Download a CSV import template",
    response_class=Response,
    responses=_file(
        CSV,
        "The columns of the sheet and one example row (irritants: `votes` is exported"
        " as a count and ignored on import).",
    ),
)
async def csv_template(entity: TemplateSheet) -> Response:
    """The CSV template of one sheet: its columns and one example row."""
    content = templates.template_csv(entity.value, i18n.current())
    return Response(content, media_type=CSV, headers=_attachment(f"{entity.value}.csv"))


@router.get(
    "/import/template.xlsx",
    summary="Download the XLSX import template",
    response_class=Response,
    responses=_file(XLSX, "One sheet per entity, each with its columns and one example row."),
)
async def xlsx_template() -> Response:
    """The workbook template: one sheet per entity with its columns and an example row."""
    return Response(
        templates.template_xlsx(i18n.current()),
        media_type=XLSX,
        headers=_attachment("cdo-portfolio-template.xlsx"),
    )
