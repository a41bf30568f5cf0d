"""Employee irritants, their votes and the initiatives that address them.

`irritant` is an internal pain point raised by an account; `irritant_vote` one account's
"me too" (one per account); `initiative_irritant` an initiative addressing it;
`portfolio_setting.irritant_vote_threshold` how many votes make an open irritant without an
active initiative a flag (IRRITANT_UNADDRESSED, default 5).

The database keeps two figures current in the writing transaction, whatever surface
writes: `irritant.vote_count` (statement triggers on `irritant_vote`), and the status
between `open` and `addressed` (`irritant_open_status`: addressed while a linked initiative
is done), refreshed when a link comes or goes and when a linked initiative enters or
leaves `done`. A closed irritant keeps its status.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
    ]


OPEN_STATUS = """
CREATE FUNCTION irritant_open_status(irritant bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN EXISTS (
        SELECT 1 FROM initiative_irritant l JOIN initiative i ON i.id = l.initiative_id
        WHERE l.irritant_id = irritant AND i.status = 'done'
    ) THEN 'addressed' ELSE 'open' END
$$"""

REFRESH = """
CREATE FUNCTION irritant_refresh_status(irritants bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE irritant r SET status = s.status, version = r.version + 1, updated_at = now()
    FROM (
        SELECT x.id, irritant_open_status(x.id) AS status
        FROM irritant x WHERE x.id = ANY(irritants) AND x.status <> 'closed'
    ) s
    WHERE r.id = s.id AND r.status <> s.status
$$"""

LINK_CHANGED = """
CREATE FUNCTION initiative_irritant_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM irritant_refresh_status(ARRAY(SELECT DISTINCT irritant_id FROM changed));
    RETURN NULL;
END $$"""

INITIATIVE_DONE = """
CREATE FUNCTION initiative_irritants_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM irritant_refresh_status(ARRAY(
        SELECT l.irritant_id FROM initiative_irritant l WHERE l.initiative_id = NEW.id));
    RETURN NULL;
END $$"""

VOTES_ADDED = """
CREATE FUNCTION irritant_votes_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE irritant r SET vote_count = r.vote_count + v.n
    FROM (SELECT irritant_id, count(*) AS n FROM changed GROUP BY irritant_id) v
    WHERE r.id = v.irritant_id;
    RETURN NULL;
END $$"""

VOTES_REMOVED = """
CREATE FUNCTION irritant_votes_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE irritant r SET vote_count = r.vote_count - v.n
    FROM (SELECT irritant_id, count(*) AS n FROM changed GROUP BY irritant_id) v
    WHERE r.id = v.irritant_id;
    RETURN NULL;
END $$"""

TRIGGERS = [
    """CREATE TRIGGER initiative_irritant_added AFTER INSERT ON initiative_irritant
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION initiative_irritant_changed()""",
    """CREATE TRIGGER initiative_irritant_removed AFTER DELETE ON initiative_irritant
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION initiative_irritant_changed()""",
    """CREATE TRIGGER initiative_irritants_done AFTER UPDATE OF status ON initiative
    FOR EACH ROW WHEN ((OLD.status = 'done') <> (NEW.status = 'done'))
    EXECUTE FUNCTION initiative_irritants_status()""",
    """CREATE TRIGGER irritant_vote_added AFTER INSERT ON irritant_vote
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION irritant_votes_added()""",
    """CREATE TRIGGER irritant_vote_removed AFTER DELETE ON irritant_vote
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION irritant_votes_removed()""",
]


def upgrade() -> None:
    op.add_column(
        "portfolio_setting",
        sa.Column("irritant_vote_threshold", sa.Integer(), server_default="5", nullable=False),
    )
    op.create_check_constraint(
        "ck_portfolio_setting_irritant_votes_positive",
        "portfolio_setting",
        "irritant_vote_threshold >= 1",
    )
    op.create_table(
        "irritant",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=False),
        sa.Column("department_id", sa.BigInteger(), nullable=False),
        sa.Column("process", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("severity", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("status_reason", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("raised_by", sa.BigInteger(), nullable=True),
        sa.Column(
            "raised_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("vote_count", sa.Integer(), server_default="0", nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "status IN ('open', 'addressed', 'closed')", name=op.f("ck_irritant_status")
        ),
        sa.CheckConstraint(
            "severity IN ('high', 'medium', 'low')", name=op.f("ck_irritant_severity")
        ),
        sa.CheckConstraint("vote_count >= 0", name=op.f("ck_irritant_vote_count_positive")),
        sa.CheckConstraint("length(btrim(title)) > 0", name=op.f("ck_irritant_title_given")),
        sa.CheckConstraint(
            "status <> 'closed' OR length(btrim(status_reason)) > 0",
            name=op.f("ck_irritant_closed_with_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_irritant_department_id_department"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["raised_by"],
            ["account.id"],
            name=op.f("fk_irritant_raised_by_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_irritant")),
    )
    op.create_index("ix_irritant_raised_by", "irritant", ["raised_by"])
    op.create_index("ix_irritant_votes", "irritant", ["vote_count", "id"])
    op.create_index("ix_irritant_status_votes", "irritant", ["status", "vote_count", "id"])
    op.create_index(
        "ix_irritant_department_votes", "irritant", ["department_id", "vote_count", "id"]
    )
    op.create_index("ix_irritant_recent", "irritant", ["raised_at", "id"])
    op.create_index("ix_irritant_status_recent", "irritant", ["status", "raised_at", "id"])
    op.create_table(
        "irritant_vote",
        sa.Column("irritant_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["irritant_id"],
            ["irritant.id"],
            name=op.f("fk_irritant_vote_irritant_id_irritant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_irritant_vote_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("irritant_id", "account_id", name=op.f("pk_irritant_vote")),
    )
    op.create_index("ix_irritant_vote_account_id", "irritant_vote", ["account_id"])
    op.create_table(
        "initiative_irritant",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("initiative_id", sa.BigInteger(), nullable=False),
        sa.Column("irritant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name=op.f("fk_initiative_irritant_initiative_id_initiative"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["irritant_id"],
            ["irritant.id"],
            name=op.f("fk_initiative_irritant_irritant_id_irritant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_irritant")),
        sa.UniqueConstraint(
            "initiative_id",
            "irritant_id",
            name=op.f("uq_initiative_irritant_initiative_id_irritant_id"),
        ),
    )
    op.create_index("ix_initiative_irritant_irritant_id", "initiative_irritant", ["irritant_id"])
    for statement in (OPEN_STATUS, REFRESH, LINK_CHANGED, INITIATIVE_DONE, VOTES_ADDED):
        op.execute(statement)
    op.execute(VOTES_REMOVED)
    for trigger in TRIGGERS:
        op.execute(trigger)


def downgrade() -> None:
    op.execute("DROP TRIGGER initiative_irritants_done ON initiative")
    op.drop_table("initiative_irritant")
    op.drop_table("irritant_vote")
    op.drop_table("irritant")
    for function in (
        "initiative_irritant_changed()",
        "initiative_irritants_status()",
        "irritant_votes_added()",
        "irritant_votes_removed()",
        "irritant_refresh_status(bigint[])",
        "irritant_open_status(bigint)",
    ):
        op.execute(f"DROP FUNCTION {function}")
    op.drop_constraint(
        "ck_portfolio_setting_irritant_votes_positive", "portfolio_setting", type_="check"
    )
    op.drop_column("portfolio_setting", "irritant_vote_threshold")
