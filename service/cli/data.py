"""Commands that move data in and out: backup, restore, import, export."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from service import migrate as migrations
from service.cli.base import app, console, database, get_settings


@app.command()
def backup(
    file: Path = typer.Argument(..., help="File to write (pg_dump custom format)."),
) -> None:
    """Back up the whole database (accounts, tokens, audit, snapshots, settings) to FILE."""
    from service import backup as backups
    from service.errors import DomainError

    with database(get_settings()) as url:
        try:
            done = backups.backup(url, file, console)
        except DomainError as refused:
            console.print(f"[red]{refused.detail}[/red]", highlight=False)
            raise typer.Exit(1) from None
    console.print(
        f"Backed up {done.tables} tables to {done.file} ({done.size:,} bytes) "
        f"in {done.seconds:.1f} s.",
        highlight=False,
    )


@app.command()
def restore(
    file: Path = typer.Argument(..., help="A file written by `cdo-portfolio backup`."),
    force: bool = typer.Option(
        False, "--force", help="Replace everything in a database that is not empty."
    ),
) -> None:
    """Restore a backup into an empty database (all or nothing); `serve` then migrates it."""
    from service import backup as backups
    from service.errors import DomainError

    with database(get_settings()) as url:
        try:
            done = backups.restore(url, file, console, force=force)
        except DomainError as refused:
            console.print(f"[red]{refused.detail}[/red]", highlight=False)
            raise typer.Exit(1) from None
    console.print(
        f"Restored {done.tables} tables from {done.file} in {done.seconds:.1f} s.",
        highlight=False,
    )


@app.command("import")
def import_spreadsheet(
    file: str = typer.Argument(..., help="CSV file, XLSX workbook, or zip of CSV files."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and count only; write nothing."),
) -> None:
    """Import a spreadsheet: every row is checked first, then all is written in one transaction."""
    from service.transfer import commands as transfer

    settings = get_settings()
    path = transfer.existing_file(console, file)
    with database(settings) as url:
        migrations.upgrade(url)
        report = asyncio.run(transfer.import_or_report(url, settings, path, dry_run=dry_run))
    if report is None:
        raise typer.Exit(1)
    transfer.print_report(report)


@app.command()
def export(
    out: str = typer.Argument(..., help="File to write: .xlsx, .zip or .csv."),
    format: str | None = typer.Option(
        None, "--format", help="xlsx, zip or csv (default: from OUT's suffix, else xlsx)."
    ),
    entity: str | None = typer.Option(None, "--entity", help="Only this sheet (needed for csv)."),
) -> None:
    """Export the portfolio (entities, flags, balance) with a progress bar."""
    from service.transfer import commands as transfer

    settings = get_settings()
    path, fmt = transfer.export_target(console, out, format, entity)
    with database(settings) as url:
        migrations.upgrade(url)
        asyncio.run(transfer.export_path(url, settings, path, fmt, entity, console))
    console.print(f"Exported to {path}.")
