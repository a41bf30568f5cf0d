"""The PostgreSQL processes that serve a data folder, for tests that start servers."""

from pathlib import Path

import psutil


def servers_of(folder: Path) -> list[psutil.Process]:
    """The live postgres processes whose command line names a path inside `folder`."""
    found = []
    for proc in psutil.process_iter(attrs=("name", "cmdline", "status")):
        command = " ".join(proc.info["cmdline"] or ())
        if (
            proc.info["name"] == "postgres"
            and proc.info["status"] != psutil.STATUS_ZOMBIE
            and str(folder) in command
        ):
            found.append(proc)
    return found


def stop_servers_of(folder: Path) -> None:
    """Kill what a failed test left running in `folder`, so the folder can be removed."""
    for proc in servers_of(folder):
        proc.kill()
    psutil.wait_procs(servers_of(folder), timeout=10)
