"""The spreadsheet round trip for the CDO office: import upload, templates and exports."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from service.auth import policy
from service.auth.policy import Permission
from service.deps import SessionDep
from service.errors import DomainError
from service.i18n import gettext as _
from service.pages.deps import PageActor, PageForm
from service.pages.render import render
from service.transfer import service as transfer
from service.transfer.limits import ImportLimits
from service.transfer.payloads import ENTITIES, ImportProblem, ImportRejected, ImportReport

router = APIRouter()

TEMPLATE = "transfer/index.html"


def _context(
    *,
    report: ImportReport | None = None,
    problems: list[ImportProblem] | None = None,
    error: str | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    return {
        "entities": ENTITIES,
        "report": report,
        "problems": problems or [],
        "error": error,
        "dry_run": dry_run,
    }


@router.get("/transfer", summary="Import and export")
async def transfer_page(request: Request, actor: PageActor) -> HTMLResponse:
    """The upload form, the import templates and the export downloads."""
    policy.require(actor, Permission.manage_org)
    return render(request, TEMPLATE, _context())


@router.post("/transfer", summary="Import a spreadsheet")
async def import_upload(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm
) -> HTMLResponse:
    """Import the uploaded file (or only check it) and show the report on the same page."""
    policy.require(actor, Permission.manage_org)
    dry_run = form.get("dry_run") in ("on", "true", "1")
    upload = (await request.form()).get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        context = _context(error=_("Choose a file to import."), dry_run=dry_run)
        return render(request, TEMPLATE, context, status_code=422)
    limits = ImportLimits.of(request.app.state.settings)
    data = await upload.read(limits.max_bytes + 1)
    try:
        report = await transfer.import_file(
            session,
            actor,
            data,
            upload.filename,
            limits=limits,
            dry_run=dry_run,
            size=upload.size,
        )
    except ImportRejected as exc:
        await session.rollback()
        context = _context(problems=exc.problems, error=exc.detail, dry_run=dry_run)
        return render(request, TEMPLATE, context, status_code=exc.status)
    except DomainError as exc:
        await session.rollback()
        context = _context(error=exc.detail, dry_run=dry_run)
        return render(request, TEMPLATE, context, status_code=exc.status)
    return render(request, TEMPLATE, _context(report=report, dry_run=dry_run))
