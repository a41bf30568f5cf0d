"""Import a portfolio from a spreadsheet: read, check everything, then write it all or nothing."""

import asyncio
import time

from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import Actor
from service.auth import policy
from service.errors import Forbidden
from service.i18n import gettext as _
from service.observability import metrics
from service.transfer import collector, readers
from service.transfer.apply import apply_plan
from service.transfer.limits import ImportLimits, LimitExceeded, Meter, too_large
from service.transfer.payloads import ImportRejected, ImportReport
from service.transfer.validate import validate


def require_import(actor: Actor) -> None:
    """Refuse (403) anyone but the CDO office: an import changes the whole portfolio."""
    if not policy.allowed(actor, policy.Permission.manage_org):
        raise Forbidden(
            _("%(who)s (%(role)s) may not import data: importing is for the CDO office.")
            % {"who": actor.label, "role": actor.role.value},
            code="forbidden",
        )


async def import_file(
    session: AsyncSession,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    limits: ImportLimits,
    dry_run: bool = False,
    size: int | None = None,
) -> ImportReport:
    """Import `data` (CSV, XLSX or a zip of CSVs) in the caller's transaction.

    Raises ImportRejected (422) listing every problem, and writes nothing, when the file
    has any; FileTooLarge (413) when it is over a size limit, as uploaded or unpacked;
    ImportTooLarge (422) when a sheet has too many rows or the file too many cells. The
    file is read and its cells checked in a worker thread, so the server keeps answering.
    A dry run writes in a savepoint that is rolled back, so its counts say what the import
    would do.
    """
    require_import(actor)
    started = time.perf_counter()
    with collector.full_collections_held():
        report = await _import(session, actor, data, filename, limits, dry_run, size)
    if not dry_run:
        written = {sheet: c.created + c.updated for sheet, c in report.counts.items()}
        metrics.import_done(time.perf_counter() - started, written)
    return report


async def _import(
    session: AsyncSession,
    actor: Actor,
    data: bytes,
    filename: str,
    limits: ImportLimits,
    dry_run: bool,
    size: int | None,
) -> ImportReport:
    size = len(data) if size is None else size
    try:
        if size > limits.max_bytes:
            raise too_large(size, limits)
        raw_sheets, found = await asyncio.to_thread(
            readers.read_file, data, filename, Meter(limits)
        )
    except LimitExceeded as exceeded:
        raise exceeded.rejection(dry_run=dry_run) from None
    plan, problems = await validate(session, raw_sheets, found)
    if problems:
        raise ImportRejected(problems, dry_run=dry_run)
    if not dry_run:
        counts = await apply_plan(session, actor, plan)
    else:
        savepoint = await session.begin_nested()
        try:
            counts = await apply_plan(session, actor, plan)
        finally:
            await savepoint.rollback()
    return ImportReport(ok=True, dry_run=dry_run, problems=[], counts=counts)
