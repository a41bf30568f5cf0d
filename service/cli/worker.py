"""`cdo-portfolio worker`: the webhook delivery worker as a process of its own."""

from __future__ import annotations

import asyncio
import os
import signal
from typing import TYPE_CHECKING

import typer

from service import migrate as migrations
from service.cli.base import app, console, database, get_settings

if TYPE_CHECKING:
    from service.config import Settings


async def _deliver(url: str, settings: Settings, once: bool) -> int:
    """Run the worker until SIGTERM or Ctrl-C (or, with `once`, until nothing is due)."""
    from service.db import make_engine, make_sessionmaker
    from service.observability import metrics
    from service.webhooks.worker import DeliveryWorker

    # Counted where a scrape sees it: in the files of PROMETHEUS_MULTIPROC_DIR, when set.
    shared = os.environ.get(metrics.MULTIPROC_ENV)
    counted = metrics.webhook_outcome(metrics.Metrics() if shared else None)
    engine = make_engine(url, settings)
    worker = DeliveryWorker(make_sessionmaker(engine), settings, on_outcome=counted)
    try:
        if once:
            total = 0
            while sent := await worker.run_once():
                total += sent
            await worker.aclose()
            return total
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        console.print("Webhook worker started.")
        await worker.run(stop)
        return 0
    finally:
        await engine.dispose()


@app.command()
def worker(
    once: bool = typer.Option(
        False, "--once", help="Send the deliveries due now, then exit (for cron)."
    ),
) -> None:
    """Send webhook deliveries until stopped (SIGTERM, Ctrl-C); run as many as you like."""
    settings = get_settings()
    with database(settings) as url:
        migrations.upgrade(url)
        sent = asyncio.run(_deliver(url, settings, once))
    console.print(f"Webhook worker stopped ({sent} attempts sent)." if once else "Stopped.")
