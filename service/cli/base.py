"""What every command shares: the Typer app, the console, settings and the database.

Heavy modules (the web framework, the ORM, the data model) are imported inside the commands
that use them, so `--help` and the quick commands answer at once.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from service.embedded_db import EmbeddedPostgres

if TYPE_CHECKING:
    from service.config import Settings

# Tracebacks never show local variables: they can hold passwords and tokens.
app = typer.Typer(
    help="CDO portfolio and KPI alignment service.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
console = Console(stderr=True)


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
