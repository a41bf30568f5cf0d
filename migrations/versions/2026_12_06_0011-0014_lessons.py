"""The lessons library: French and English full-text search over lessons.

- `lesson_document(title, user_need, lessons)`: the text vector of a closed initiative —
  its lessons (weight A), title (B) and user need (C), each parsed with the `french` and
  the `english` configurations (both built into PostgreSQL 15 and later; no extension), so
  a French query meets French stems and an English one English stems. Empty while no
  lesson is written: a closed initiative without lessons is not found.
- `initiative_lesson`: one row per done or stopped initiative with that vector (GIN index)
  and when it closed. Kept current by triggers on `initiative`: a statement trigger on
  INSERT (imports of closed initiatives: closing moment unknown), a row trigger when the
  status, title, user need or lessons of a closed initiative change (entering done or
  stopped records now() as the closing moment); a row leaves when its initiative reopens
  or is deleted.
- Backfill: every closed initiative, closed when the audit trail last saw it move to done
  or stopped (unknown without such an event).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLOSED = "('done', 'stopped')"

DOCUMENT_FUNCTION = """
CREATE FUNCTION lesson_document(title text, user_need text, lessons text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN btrim(coalesce(lessons, '')) = '' THEN ''::tsvector ELSE
    setweight(to_tsvector('french', lessons), 'A')
    || setweight(to_tsvector('english', lessons), 'A')
    || setweight(to_tsvector('french', coalesce(title, '')), 'B')
    || setweight(to_tsvector('english', coalesce(title, '')), 'B')
    || setweight(to_tsvector('french', coalesce(user_need, '')), 'C')
    || setweight(to_tsvector('english', coalesce(user_need, '')), 'C')
END
"""

INSERTED_FUNCTION = f"""
CREATE FUNCTION initiative_lesson_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO initiative_lesson (initiative_id, document, closed_at)
    SELECT n.id, lesson_document(n.title, n.user_need, n.lessons_learned), NULL
    FROM new_initiative n
    WHERE n.status IN {CLOSED};
    RETURN NULL;
END;
$$
"""

CHANGED_FUNCTION = f"""
CREATE FUNCTION initiative_lesson_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IN {CLOSED} THEN
        INSERT INTO initiative_lesson AS l (initiative_id, document, closed_at)
        VALUES (
            NEW.id,
            lesson_document(NEW.title, NEW.user_need, NEW.lessons_learned),
            CASE WHEN OLD.status NOT IN {CLOSED} THEN now() END
        )
        ON CONFLICT (initiative_id) DO UPDATE
        SET document = EXCLUDED.document, closed_at = coalesce(EXCLUDED.closed_at, l.closed_at);
    ELSE
        DELETE FROM initiative_lesson WHERE initiative_id = NEW.id;
    END IF;
    RETURN NULL;
END;
$$
"""

TRIGGERS = [
    """CREATE TRIGGER initiative_lesson_inserted AFTER INSERT ON initiative
REFERENCING NEW TABLE AS new_initiative
FOR EACH STATEMENT EXECUTE FUNCTION initiative_lesson_inserted()""",
    f"""CREATE TRIGGER initiative_lesson_changed
AFTER UPDATE OF status, title, user_need, lessons_learned ON initiative
FOR EACH ROW WHEN ((OLD.status IN {CLOSED} OR NEW.status IN {CLOSED})
    AND (OLD.status, OLD.title, OLD.user_need, OLD.lessons_learned)
        IS DISTINCT FROM (NEW.status, NEW.title, NEW.user_need, NEW.lessons_learned))
EXECUTE FUNCTION initiative_lesson_changed()""",
]

BACKFILL = f"""
INSERT INTO initiative_lesson (initiative_id, document, closed_at)
SELECT i.id, lesson_document(i.title, i.user_need, i.lessons_learned), (
    SELECT max(a.occurred_at) FROM audit_event a
    WHERE a.entity_type = 'initiative' AND a.entity_id = i.id
        AND a.action = 'transition' AND a.after ->> 'status' IN {CLOSED}
)
FROM initiative i
WHERE i.status IN {CLOSED}
"""


def upgrade() -> None:
    op.execute(DOCUMENT_FUNCTION)
    op.create_table(
        "initiative_lesson",
        sa.Column("initiative_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("document", postgresql.TSVECTOR(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name=op.f("fk_initiative_lesson_initiative_id_initiative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("initiative_id", name=op.f("pk_initiative_lesson")),
    )
    op.create_index(
        "ix_initiative_lesson_document",
        "initiative_lesson",
        ["document"],
        unique=False,
        postgresql_using="gin",
    )
    op.execute(INSERTED_FUNCTION)
    op.execute(CHANGED_FUNCTION)
    for statement in TRIGGERS:
        op.execute(statement)
    op.execute(BACKFILL)


def downgrade() -> None:
    op.execute("DROP TRIGGER initiative_lesson_changed ON initiative")
    op.execute("DROP TRIGGER initiative_lesson_inserted ON initiative")
    op.execute("DROP FUNCTION initiative_lesson_changed()")
    op.execute("DROP FUNCTION initiative_lesson_inserted()")
    op.drop_index("ix_initiative_lesson_document", table_name="initiative_lesson")
    op.drop_table("initiative_lesson")
    op.execute("DROP FUNCTION lesson_document(text, text, text)")
