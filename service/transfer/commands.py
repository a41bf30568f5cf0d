"""What the `import` and `export` commands run: one transaction each, on their own engine."""

import asyncio
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import SYSTEM
from service.config import Settings
from service.db import make_engine, make_sessionmaker
from service.transfer import export, service
from service.transfer.limits import ImportLimits
from service.transfer.payloads import ImportProblem, ImportRejected, ImportReport

FORMATS = ("xlsx", "zip", "csv")


def existing_file(console: Console, name: str) -> Path:
    """The file to import, or exit 2 with a message when there is no such file."""
    path = Path(name)
    if not path.is_file():
        console.print(f"[red]No such file: {name}[/red]")
        raise typer.Exit(2)
    return path


def export_target(
    console: Console, out: str, given: str | None, entity: str | None
) -> tuple[Path, str]:
    """Where and how to export, or exit 2 explaining what is wrong."""
    path = Path(out)
    fmt = format_of(path, given)
    problem = None
    if fmt not in FORMATS:
        problem = f"--format must be one of {', '.join(FORMATS)}."
    elif entity is not None and entity not in export.SHEET_NAMES:
        problem = f"--entity must be one of {', '.join(export.SHEET_NAMES)}."
    elif fmt == "csv" and entity is None:
        problem = "A CSV holds one sheet: name it with --entity, or export a zip."
    if problem is not None:
        console.print(f"[red]{problem}[/red]")
        raise typer.Exit(2)
    return path, fmt


def read_upload(path: Path, limit: int) -> tuple[bytes, int]:
    """The first `limit + 1` bytes of the file (enough to tell it is too large) and its size."""
    with path.open("rb") as handle:
        return handle.read(limit + 1), path.stat().st_size


async def import_path(url: str, settings: Settings, path: Path, *, dry_run: bool) -> ImportReport:
    """Import the file at `path` as the CDO office (raises ImportRejected on problems)."""
    limits = ImportLimits.of(settings)
    data, size = await asyncio.to_thread(read_upload, path, limits.max_bytes)
    engine = make_engine(url, settings)
    try:
        async with make_sessionmaker(engine)() as session:
            report = await service.import_file(
                session, SYSTEM, data, path.name, limits=limits, dry_run=dry_run, size=size
            )
            await session.commit()
            return report
    finally:
        await engine.dispose()


async def import_or_report(
    url: str, settings: Settings, path: Path, *, dry_run: bool
) -> ImportReport | None:
    """The import's report, or None after printing every problem of a refused file."""
    try:
        return await import_path(url, settings, path, dry_run=dry_run)
    except ImportRejected as rejected:
        print_problems(rejected)
        return None


def print_report(report: ImportReport, console: Console | None = None) -> None:
    """The counts per entity, as a table (on stdout)."""
    console = console or Console()
    title = "Dry run: nothing was written" if report.dry_run else "Imported"
    table = Table(title=title)
    for heading in ("sheet", "created", "updated", "unchanged"):
        table.add_column(heading, justify="left" if heading == "sheet" else "right")
    for entity, counts in report.counts.items():
        table.add_row(entity, str(counts.created), str(counts.updated), str(counts.unchanged))
    console.print(table)


def print_problems(rejected: ImportRejected, console: Console | None = None) -> None:
    """Every problem of a refused file, as a table (on stdout), and the summary line."""
    console = console or Console()
    table = Table(title="Problems (nothing was written)")
    for heading in ("sheet", "row", "column", "message"):
        table.add_column(heading, overflow="fold")
    for problem in rejected.problems:
        table.add_row(*_cells(problem))
    console.print(table)
    console.print(f"[red]{rejected.detail}[/red]")


def _cells(problem: ImportProblem) -> tuple[str, str, str, str]:
    row = "" if problem.row is None else str(problem.row)
    return (problem.sheet or "", row, problem.column or "", problem.message)


def format_of(out: Path, given: str | None) -> str:
    """The export format: as given, else from the file suffix (xlsx by default)."""
    if given:
        return given
    suffix = out.suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "xlsx"


async def export_path(
    url: str, settings: Settings, out: Path, fmt: str, entity: str | None, console: Console
) -> dict[str, int]:
    """Write the export to `out` with a progress bar; the rows written per entity sheet."""
    names = [entity] if entity else list(export.SHEET_NAMES)
    # One snapshot for every sheet: the sheets agree with each other.
    engine = make_engine(url, settings).execution_options(
        isolation_level="REPEATABLE READ", postgresql_readonly=True
    )
    try:
        async with make_sessionmaker(engine)() as session:
            totals = await export.count_rows(session, names)
            with _progress(console) as bar:
                tasks = {n: bar.add_task(n, total=totals.get(n)) for n in names}

                def advance(name: str, rows: int) -> None:
                    bar.advance(tasks[name], rows)

                await _write(session, out, fmt, names, advance)
                for name in names:
                    bar.update(tasks[name], total=bar.tasks[tasks[name]].completed)
            return totals
    finally:
        await engine.dispose()


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description:<13}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


async def _write(
    session: AsyncSession, out: Path, fmt: str, names: list[str], advance: export.Progress
) -> None:
    if fmt == "xlsx":
        await export.write_xlsx(session, str(out), names, advance)
        return
    chunks = (
        export.csv_chunks(session, names[0], advance)
        if fmt == "csv"
        else export.zip_chunks(session, names, advance)
    )
    with out.open("wb") as handle:
        async for chunk in chunks:
            handle.write(chunk)
