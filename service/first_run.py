"""First run: an installation without a CDO office account says how to create the first one.

`serve` prints the hint at start and the sign-in page shows it, until an enabled CDO office
account exists (created by the command line, or by single sign-on with a mapped role).
"""

import sqlalchemy as sa
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Account
from schema.enums import Role

# The command of service/cli/access.py: the password is asked twice, unseen.
FIRST_ACCOUNT_COMMAND = (
    "cdo-portfolio create-account you@your-company.example --role cdo_office --password-stdin"
)
FIRST_ACCOUNT_HINT = "No CDO office account exists yet. Create the first one on the server:"
# With passwords turned off, the first CDO office account comes from single sign-on.
SSO_FIRST_ACCOUNT_HINT = (
    "No CDO office account exists yet. The first person whose group maps to cdo_office"
    " (OIDC_ROLE_MAP) becomes it at sign-in."
)


def page_hint(password_login_enabled: bool) -> dict[str, str]:
    """What the sign-in page's auth/_first_run.html shows while no CDO office account exists."""
    if not password_login_enabled:
        return {"first_run_hint": SSO_FIRST_ACCOUNT_HINT}
    return {"first_run_hint": FIRST_ACCOUNT_HINT, "first_run_command": FIRST_ACCOUNT_COMMAND}


_HAS_CDO_OFFICE = sa.select(
    sa.exists().where(col(Account.role) == Role.cdo_office.value, ~col(Account.is_disabled))
)


async def needs_first_account(session: AsyncSession) -> bool:
    """True while no enabled CDO office account exists."""
    return not await session.scalar(_HAS_CDO_OFFICE)


def needs_first_account_at(url: str) -> bool:
    """`needs_first_account` for the database at `url` (one short connection, no pool)."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            return not connection.scalar(_HAS_CDO_OFFICE)
    finally:
        engine.dispose()


def print_hint(url: str, console: Console) -> bool:
    """Print how to create the first CDO office account if there is none; True if printed."""
    if not needs_first_account_at(url):
        return False
    console.print(f"[yellow]{FIRST_ACCOUNT_HINT}[/yellow]", highlight=False)
    # Whole on one line, however narrow the terminal, so it can be copied.
    console.print(f"  {FIRST_ACCOUNT_COMMAND}", highlight=False, soft_wrap=True)
    return True
