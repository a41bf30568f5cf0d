"""Token lookups cached with revocation taking effect at once.

Every change that can end or alter what a credential grants NOTIFYs the channel
`auth_changed` with the account id, so each application process forgets its cached
lookups for that account as soon as the change commits (service/auth/credential_cache.py):
a token revoked, deleted, or given another expiry, hash or account; a session ended,
replaced or moved back in time; an account's role, department, person, email or disabled
flag changed, or the account deleted. Routine marks (a token's last use, a session's last
seen moving forward) notify nothing.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTION = """
CREATE FUNCTION notify_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- OLD is set for UPDATE and DELETE, the only events these triggers fire on.
    IF TG_TABLE_NAME = 'account' THEN
        PERFORM pg_notify('auth_changed', OLD.id::text);
    ELSE
        PERFORM pg_notify('auth_changed', OLD.account_id::text);
    END IF;
    RETURN NULL;
END
$$
"""

# table -> the condition under which an UPDATE changes what a credential grants
UPDATES = {
    "account": (
        "OLD.role IS DISTINCT FROM NEW.role"
        " OR OLD.department_id IS DISTINCT FROM NEW.department_id"
        " OR OLD.person_id IS DISTINCT FROM NEW.person_id"
        " OR OLD.email IS DISTINCT FROM NEW.email"
        " OR OLD.is_disabled IS DISTINCT FROM NEW.is_disabled"
    ),
    "api_token": (
        "OLD.revoked_at IS DISTINCT FROM NEW.revoked_at"
        " OR OLD.expires_at IS DISTINCT FROM NEW.expires_at"
        " OR OLD.token_hash IS DISTINCT FROM NEW.token_hash"
        " OR OLD.account_id IS DISTINCT FROM NEW.account_id"
    ),
    "account_session": (
        "OLD.token_hash IS DISTINCT FROM NEW.token_hash"
        " OR OLD.account_id IS DISTINCT FROM NEW.account_id"
        " OR NEW.created_at < OLD.created_at"
        " OR NEW.last_seen_at < OLD.last_seen_at"
    ),
}


def upgrade() -> None:
    op.execute(FUNCTION)
    for table, changed in UPDATES.items():
        op.execute(
            f"CREATE TRIGGER {table}_auth_changed_update AFTER UPDATE ON {table}"
            f" FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION notify_auth_changed()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_auth_changed_delete AFTER DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION notify_auth_changed()"
        )


def downgrade() -> None:
    for table in UPDATES:
        op.execute(f"DROP TRIGGER {table}_auth_changed_delete ON {table}")
        op.execute(f"DROP TRIGGER {table}_auth_changed_update ON {table}")
    op.execute("DROP FUNCTION notify_auth_changed()")
