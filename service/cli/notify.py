"""Mail for cron: check-in reminders and the weekly digest (`send-reminders`)."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING

import typer

from service import migrate as migrations
from service.cli.base import app, console, database, get_settings

if TYPE_CHECKING:
    from service.config import Settings
    from service.reminders.service import SendReport


async def _send(url: str, settings: Settings, digest: bool | None) -> SendReport:
    from service.db import make_engine, make_sessionmaker
    from service.reminders import service as reminders

    engine = make_engine(url, settings)
    try:
        async with make_sessionmaker(engine)() as session:
            return await reminders.send_notifications(
                session, settings, today=date.today(), digest=digest
            )
    finally:
        await engine.dispose()


def _print(report: SendReport) -> None:
    console.print(f"Reminders sent: {report.reminders_sent}")
    if report.digest_day:
        console.print(f"Digests sent: {report.digests_sent}")
        if report.chat_posted:
            console.print("Digest posted to the chat webhook.")
    else:
        console.print("Digest: not today (DIGEST_WEEKDAY; --digest sends it now).")
    for note in report.notes:
        console.print(note)
    if report.server_error:
        console.print(f"[red]{report.server_error} No further email was sent.[/red]")
    for failure in report.failures:
        console.print(
            f"[red]Not sent ({failure.kind} to {failure.recipient}): {failure.reason}[/red]"
        )


@app.command("send-reminders")
def send_reminders(
    digest: bool | None = typer.Option(
        None,
        "--digest/--no-digest",
        help="Send the CDO office's digest now (or not). Default: on DIGEST_WEEKDAY.",
    ),
) -> None:
    """Email check-in reminders to owners, and the weekly digest (for a daily cron).

    Run as often as you like: each account gets each kind of mail once a day.
    """
    from service.reminders.service import NotConfigured

    settings = get_settings()
    with database(settings) as url:
        migrations.upgrade(url)
        try:
            report = asyncio.run(_send(url, settings, digest))
        except NotConfigured as missing:
            console.print(f"[red]{missing} No email was sent.[/red]")
            raise typer.Exit(1) from None
    _print(report)
    if report.failures or report.server_error:
        raise typer.Exit(1)
