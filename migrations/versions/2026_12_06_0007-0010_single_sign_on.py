"""Single sign-on: accounts linked to an OpenID Connect identity.

An account signing in through the company's identity provider keeps the provider's issuer
and the person's subject there; one identity names at most one account.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "account",
        sa.Column("oidc_issuer", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    )
    op.add_column(
        "account",
        sa.Column("oidc_subject", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    )
    op.create_unique_constraint(
        "uq_account_oidc_identity", "account", ["oidc_issuer", "oidc_subject"]
    )
    op.create_check_constraint(
        op.f("ck_account_oidc_identity_whole"),
        "account",
        "(oidc_issuer IS NULL) = (oidc_subject IS NULL)",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_account_oidc_identity_whole"), "account", type_="check")
    op.drop_constraint("uq_account_oidc_identity", "account", type_="unique")
    op.drop_column("account", "oidc_subject")
    op.drop_column("account", "oidc_issuer")
