"""Commands that run the service and its database: serve, migrate, db-url, demo, snapshot."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import typer

from service import migrate as migrations
from service.cli.base import app, console, database, get_settings
from service.embedded_db import EmbeddedPostgres

if TYPE_CHECKING:
    from service.config import Settings
    from service.portfolio.payloads import SnapshotPublic


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
    from service.observability import logs

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
            demo_for_serve(url, settings)
        from service import first_run
        from service.main import create_app

        first_run.print_hint(url, console)  # an empty installation: how to create an account

        application = create_app(settings.model_copy(update={"database_url": url}))
        console.print(f"Serving on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
        # The request line (service/observability) replaces uvicorn's access log.
        uvicorn.run(
            application,
            host=host,
            port=port,
            log_level="info",
            log_config=logs.logging_config(settings.log_format),
            access_log=False,
            **proxy_options,
        )


def demo_for_serve(url: str, settings: Settings) -> None:
    """Load the demo into an empty database; print the demo logins only if it holds the demo."""
    from service.auth import commands as auth_commands
    from service.demo import loader

    if asyncio.run(loader.load_demo_if_empty(url, console)):
        logins = asyncio.run(auth_commands.demo_accounts(url, settings))
        asyncio.run(loader.tell_story(url))
        auth_commands.print_demo_logins(console, logins)


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
    """Load the demo company (or a synthetic one of --scale initiatives) into an empty database.

    The demo company is imported from the CSV files shipped in service/demo/data (the same
    import as `cdo-portfolio import`), its dates moved to today; 18 monthly snapshots follow.
    """
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
    """Store today's portfolio figures (for a daily cron; a rerun the same day replaces them)
    and purge the deletion tombstones older than DELETIONS_RETENTION_DAYS and the delivered or
    failed webhook events older than WEBHOOK_LOG_RETENTION_DAYS."""
    from service.deletions import commands as deletions_commands
    from service.webhooks import commands as webhooks_commands

    settings = get_settings()
    with database(settings) as url:
        migrations.upgrade(url)
        taken, created = asyncio.run(_take_snapshot(url, settings))
        purged = asyncio.run(deletions_commands.purge_expired(url, settings))
        events_purged = asyncio.run(webhooks_commands.purge_expired(url, settings))
    raised = {code: n for code, n in taken.flag_counts.items() if n}
    console.print(f"Snapshot of {taken.taken_on} {'taken' if created else 'replaced'}:")
    console.print(f"  client-facing share: {taken.client_share} (weight {taken.total_weight})")
    console.print(f"  active initiatives: {taken.initiative_count}")
    console.print(f"  alignment score: {taken.alignment_score}")
    console.print(f"  flags: {raised or 'none'}")
    days = settings.deletions_retention_days
    console.print(f"  deletion tombstones purged: {purged} (kept {days} days)")
    kept = settings.webhook_log_retention_days
    console.print(f"  webhook events purged: {events_purged} (kept {kept} days)")


@app.command("graphql-schema")
def graphql_schema() -> None:
    """Print the GraphQL schema (SDL), as published in schema/portfolio.graphql."""
    from service.graphql.schema import print_sdl

    typer.echo(print_sdl(), nl=False)
