"""Commands for access: accounts, API tokens and the installation's secret key."""

from __future__ import annotations

import asyncio
import sys

import typer

from service import migrate as migrations
from service.cli.base import app, console, database, get_settings

# Listed here rather than typed as the enum, so the command line starts without loading the
# data model; tests/auth/test_cli.py checks the list against schema.enums.Role.
ROLES = ("cdo_office", "department_head", "contributor", "viewer", "bi_reader")


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
