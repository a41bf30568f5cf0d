"""The `cdo-portfolio` command line: serve, migrate, demo data, accounts, backups, files.

Each module registers its commands on the one Typer app and imports its heavy modules
inside the commands, so `--help` answers at once.
"""

# isort: off
# Registration order is the order `--help` lists: running the service first.
from service.cli import server, worker, access, data, notify

# isort: on
from service.cli.access import ROLES
from service.cli.base import app

__all__ = ["ROLES", "access", "app", "data", "notify", "server", "worker"]
