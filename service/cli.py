"""The `cdo-portfolio` command line: serve, migrate, demo data, db-url, backup, restore.

Heavy modules (the web framework, the ORM, the data model) are imported inside the commands
that use them, so `--help` and the quick commands answer at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from service import migrate as migrations
from service.embedded_db import EmbeddedPostgres

if TYPE_CHECKING:
    from service.config import Settings
    from service.portfolio.payloads import SnapshotPublic

# Tracebacks never show local variables: they can hold passwords and tokens.
app = typer.Typer(
    help="CDO portfolio and KPI alignment service.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
console = Console(stderr=True)

# Listed here rather than typed as the enum, so the command line starts without loading the
# data model; tests/auth/test_cli.py checks the list against schema.enums.Role.
ROLES = ("cdo_office", "department_head", "contributor", "viewer", "bi_reader")


def get_settings() -> Settings:
    """The process settings (service.config, imported on first use)."""
    from service.config import get_settings as settings_of_process

    return settings_of_process()


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def stop_cleanly_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM (what `docker stop` sends) into a normal exit, so cleanups run as on Ctrl-C."""
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def database(settings: Settings) -> Iterator[str]:
    """The database URL: DATABASE_URL, or the embedded server started (and stopped) here."""
    if settings.database_url:
        yield settings.database_url
        return
    embedded = EmbeddedPostgres(settings.embedded_data_dir)
    with stop_cleanly_on_sigterm():
        try:
            with console.status("Starting the embedded PostgreSQL server..."):
                url = embedded.start()
            yield url
        finally:
            embedded.stop()


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    demo: bool = typer.Option(
        False, "--demo", help="Load the demo company if the database is empty."
    ),
) -> None:
    """Migrate the database and serve the API, GraphQL and pages."""
    import uvicorn

    from service.auth import proxies, secret

    settings = get_settings()
    try:
        secret.configured_key(settings)
        proxy_options = proxies.uvicorn_options(settings.trusted_proxies)
    except ValueError as refused:  # never echoes the key
        console.print(f"[red]{refused}[/red]")
        raise typer.Exit(1) from None
    with database(settings) as url:
        migrations.upgrade(url)
        if demo:
            _demo_for_serve(url, settings)
        from service.main import create_app

        application = create_app(settings.model_copy(update={"database_url": url}))
        console.print(f"Serving on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
        uvicorn.run(application, host=host, port=port, log_level="info", **proxy_options)


def _demo_for_serve(url: str, settings: Settings) -> None:
    """Load the demo into an empty database; print the demo logins only if it holds the demo."""
    from service.auth import commands as auth_commands
    from service.demo import loader

    if asyncio.run(loader.load_demo_if_empty(url, console)):
        logins = asyncio.run(auth_commands.demo_accounts(url, settings))
        auth_commands.print_demo_logins(console, logins)


@app.command("rotate-secret")
def rotate_secret() -> None:
    """Replace the installation's secret key and end every session (all sign in again)."""
    from service.auth import secret

    settings = get_settings()
    with database(settings) as url:
        migrations.upgrade(url)
        ended = asyncio.run(secret.rotate(url, settings))
    console.print(f"New secret key stored; {ended} session(s) ended.")
    console.print("Restart running servers: until then their forms use the old key.")
    if settings.secret_key:
        console.print("[yellow]SECRET_KEY is set, so it stays in use: change it there.[/yellow]")


@app.command()
def migrate() -> None:
    """Apply every pending migration."""
    with database(get_settings()) as url:
        migrations.upgrade(url)
    console.print("Database is up to date.")


@app.command("db-url")
def db_url() -> None:
    """Print the database URL (libpq form, for psql)."""
    settings = get_settings()
    if settings.database_url:
        typer.echo(settings.database_url.replace("postgresql+psycopg://", "postgresql://"))
        return
    embedded = EmbeddedPostgres(settings.embedded_data_dir, cleanup=None)
    embedded.start()
    typer.echo(embedded.libpq_url())


@app.command()
def demo(
    scale: int = typer.Option(0, help="Generate a synthetic company of N initiatives instead."),
    seed: int = typer.Option(42, help="Seed of the synthetic generator."),
) -> None:
    """Load the demo company (or a synthetic one of --scale initiatives) into an empty database."""
    from service.demo import loader
    from service.errors import Conflict

    with database(get_settings()) as url:
        migrations.upgrade(url)
        try:
            asyncio.run(loader.load(url, console, scale=scale, seed=seed))
        except Conflict as refused:
            console.print(f"[red]{refused.detail}[/red]")
            raise typer.Exit(1) from None


async def _take_snapshot(url: str, settings: Settings) -> tuple[SnapshotPublic, bool]:
    """Take today's portfolio snapshot in one committed transaction."""
    from service.actor import SYSTEM
    from service.db import make_engine, make_sessionmaker
    from service.portfolio import snapshots
    from service.portfolio.payloads import SnapshotPublic

    engine = make_engine(url, settings)
    try:
        async with make_sessionmaker(engine)() as session:
            taken, created = await snapshots.take_snapshot(session, SYSTEM)
            await session.commit()
            return SnapshotPublic.model_validate(taken), created
    finally:
        await engine.dispose()


@app.command()
def snapshot() -> None:
    """Store today's portfolio figures (for a daily cron; a rerun the same day replaces them)."""
    settings = get_settings()
    with database(settings) as url:
        migrations.upgrade(url)
        taken, created = asyncio.run(_take_snapshot(url, settings))
    raised = {code: n for code, n in taken.flag_counts.items() if n}
    console.print(f"Snapshot of {taken.taken_on} {'taken' if created else 'replaced'}:")
    console.print(f"  client-facing share: {taken.client_share} (weight {taken.total_weight})")
    console.print(f"  active initiatives: {taken.initiative_count}")
    console.print(f"  alignment score: {taken.alignment_score}")
    console.print(f"  flags: {raised or 'none'}")


@app.command("graphql-schema")
def graphql_schema() -> None:
    """Print the GraphQL schema (SDL), as published in schema/portfolio.graphql."""
    from service.graphql.schema import print_sdl

    typer.echo(print_sdl(), nl=False)


def read_password() -> str:
    """The password: asked twice without echo on a terminal, else the first line of stdin."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        console.print("[red]The two passwords differ; no account was created.[/red]")
        raise typer.Exit(1)
    return first


@app.command("create-account")
def create_account(
    email: str = typer.Argument(..., help="The sign-in email."),
    role: str = typer.Option(..., "--role", help=f"What the account may do: {', '.join(ROLES)}."),
    department: str | None = typer.Option(
        None, "--department", help="Department code a department_head writes for."
    ),
    person: str | None = typer.Option(None, "--person", help="Email of the person behind it."),
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Read the password: asked twice, unseen, on a terminal; else stdin's first line.",
    ),
) -> None:
    """Create an account (no password: it signs in with API tokens only)."""
    from schema.enums import Role
    from service.auth import commands as auth_commands
    from service.errors import DomainError

    if role not in ROLES:
        console.print(f"[red]--role must be one of {', '.join(ROLES)}.[/red]")
        raise typer.Exit(2)
    password = read_password() if password_stdin else None
    settings = get_settings()
    with database(settings) as url:
        migrations.upgrade(url)
        try:
            account = asyncio.run(
                auth_commands.create_account(
                    url,
                    settings,
                    email=email,
                    role=Role(role),
                    department_code=department,
                    person_email=person,
                    password=password,
                )
            )
        except DomainError as refused:
            console.print(f"[red]{refused.detail}[/red]")
            raise typer.Exit(1) from None
    console.print(f"Account {account.id} created: {account.email} ({account.role}).")


@app.command("create-token")
def create_token(
    email: str = typer.Argument(..., help="Email of the account the token acts as."),
    name: str = typer.Option("", "--name", help="What the token is for."),
    expires_days: int | None = typer.Option(None, "--expires-days", help="Days until it expires."),
) -> None:
    """Create an API token and print it alone on stdout (it is shown only once)."""
    from service.auth import commands as auth_commands
    from service.errors import DomainError

    settings = get_settings()
    with database(settings) as url:
        migrations.upgrade(url)
        try:
            token = asyncio.run(
                auth_commands.create_token(
                    url, settings, email=email, name=name, expires_days=expires_days
                )
            )
        except DomainError as refused:
            console.print(f"[red]{refused.detail}[/red]")
            raise typer.Exit(1) from None
    typer.echo(token)


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


if __name__ == "__main__":
    app()
