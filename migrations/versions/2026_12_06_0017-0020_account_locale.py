"""An account's language: pages, messages and emails in English or French.

`account.locale` is `en`, `fr`, or null (the browser's `Accept-Language` decides). The
account trigger of migration 0019 also tells every process when it changes, so a cached
sign-in picks up the new language on the next request.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GRANTS = (
    "OLD.role IS DISTINCT FROM NEW.role"
    " OR OLD.department_id IS DISTINCT FROM NEW.department_id"
    " OR OLD.person_id IS DISTINCT FROM NEW.person_id"
    " OR OLD.email IS DISTINCT FROM NEW.email"
    " OR OLD.is_disabled IS DISTINCT FROM NEW.is_disabled"
)


def _account_trigger(condition: str) -> None:
    op.execute("DROP TRIGGER account_auth_changed_update ON account")
    op.execute(
        "CREATE TRIGGER account_auth_changed_update AFTER UPDATE ON account"
        f" FOR EACH ROW WHEN ({condition}) EXECUTE FUNCTION notify_auth_changed()"
    )


def upgrade() -> None:
    op.add_column(
        "account",
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
    )
    op.create_check_constraint("locale", "account", "locale IN ('en', 'fr')")
    _account_trigger(GRANTS + " OR OLD.locale IS DISTINCT FROM NEW.locale")


def downgrade() -> None:
    _account_trigger(GRANTS)
    op.drop_constraint("locale", "account", type_="check")
    op.drop_column("account", "locale")
