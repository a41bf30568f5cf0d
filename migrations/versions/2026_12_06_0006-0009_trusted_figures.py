"""Figures you can trust: band floor, enablers that count, KPI driver cycles refused.

- portfolio_setting.band_min: the lowest acceptable client-facing share (default 0, so no
  figure moves), never above band_max.
- initiative.enabler_count now counts the live internal enablers only: an internal or
  hybrid initiative other than itself, approved, in progress, on hold or done, that
  `enables` it, or that it `depends_on`. A proposed or stopped enabler no longer counts.
  Every stored count is recomputed.
- kpi.claimed_weight: the weights of the KPI's links from active initiatives (approved, in
  progress, on hold), summed; kept current by triggers on initiative_kpi and on initiative
  status changes and deletions, for the KPI_OVERCLAIMED flag (above 1).
- kpi_driver: a trigger refuses a driver link that closes a cycle (A drives B drives A).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The one statement of what counts as an enabler, for the triggers below and for any
# query that lays changes over the stored rows (scenarios).
ENABLER_FUNCTION = """
CREATE FUNCTION initiative_counts_as_enabler(orientation text, status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN orientation IN ('internal', 'hybrid')
    AND status IN ('approved', 'in_progress', 'on_hold', 'done')
"""


def live_enabler(alias: str) -> str:
    """True when the initiative `alias` counts as an enabler: internal or hybrid, live."""
    return f"initiative_counts_as_enabler({alias}.orientation, {alias}.status)"


def old_enabler(alias: str) -> str:
    """The rule of migration 0003: internal or hybrid, not stopped."""
    return f"{alias}.orientation IN ('internal', 'hybrid') AND {alias}.status <> 'stopped'"


# The link `l` seen from the enabler's side: who enables (source), who is enabled (target).
LINK_ENABLER = "CASE l.kind WHEN 'enables' THEN l.from_id ELSE l.to_id END"
LINK_TARGET = "CASE l.kind WHEN 'enables' THEN l.to_id ELSE l.from_id END"


def _count_links(enabler: str, kinds: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION initiative_count_enabler_links(
    froms bigint[], kinds text[], tos bigint[], sign integer
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM initiative WHERE id IN (
        SELECT {LINK_ENABLER} FROM unnest(froms, kinds, tos) AS l(from_id, kind, to_id)
        WHERE l.kind IN {kinds}
    ) ORDER BY id FOR SHARE;
    UPDATE initiative t
    SET enabler_count = t.enabler_count + sign * c.links
    FROM (
        SELECT {LINK_TARGET} AS target_id, count(*) AS links
        FROM unnest(froms, kinds, tos) AS l(from_id, kind, to_id)
        JOIN initiative e ON e.id = {LINK_ENABLER}
        WHERE l.kind IN {kinds} AND e.id <> {LINK_TARGET} AND {enabler("e")}
        GROUP BY 1
    ) c
    WHERE t.id = c.target_id;
END;
$$"""


def _enabler_counts(enabler: str, kinds: str) -> str:
    # An initiative starts or stops counting as an enabler of the initiatives it enables
    # or that depend on it.
    return f"""
CREATE OR REPLACE FUNCTION initiative_enabler_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    source initiative := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    sign integer := CASE
        WHEN TG_OP = 'DELETE' THEN -1
        WHEN {enabler("NEW")} THEN 1
        ELSE -1 END;
BEGIN
    UPDATE initiative t
    SET enabler_count = t.enabler_count + sign * c.links
    FROM (
        SELECT {LINK_TARGET} AS target_id, count(*) AS links FROM initiative_link l
        WHERE l.kind IN {kinds} AND l.from_id <> l.to_id
            AND (l.kind = 'enables' AND l.from_id = source.id
                OR l.kind = 'depends_on' AND l.to_id = source.id)
        GROUP BY 1
    ) c
    WHERE t.id = c.target_id;
    RETURN source;
END;
$$"""


def _triggers(enabler: str) -> list[str]:
    return [
        f"""CREATE TRIGGER initiative_enabler_changed AFTER UPDATE OF orientation, status
ON initiative FOR EACH ROW
WHEN (({enabler("OLD")}) IS DISTINCT FROM ({enabler("NEW")}))
EXECUTE FUNCTION initiative_enabler_counts()""",
        f"""CREATE TRIGGER initiative_enabler_deleted BEFORE DELETE ON initiative FOR EACH ROW
WHEN ({enabler("OLD")})
EXECUTE FUNCTION initiative_enabler_counts()""",
    ]


def _recompute(enabler: str, kinds: str) -> str:
    return f"""
UPDATE initiative i SET enabler_count = coalesce((
    SELECT count(*) FROM initiative_link l JOIN initiative e ON e.id = {LINK_ENABLER}
    WHERE {LINK_TARGET} = i.id AND l.kind IN {kinds} AND e.id <> i.id AND {enabler("e")}
), 0)
"""


NEW_KINDS = "('enables', 'depends_on')"
OLD_KINDS = "('enables')"

# A driver link never closes a cycle. As for the manager chain, the advisory lock
# serialises every change of kpi_driver, so two concurrent links cannot close a loop.
DRIVER_CYCLE_FUNCTION = """
CREATE FUNCTION kpi_driver_refuse_cycle() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    path text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('kpi_driver'));
    -- Walk down from the driven KPI; reaching the driver means the new link closes a loop.
    WITH RECURSIVE chain(id, ids) AS (
        SELECT NEW.driven_kpi_id, ARRAY[NEW.driven_kpi_id]
        UNION ALL
        SELECT d.driven_kpi_id, c.ids || d.driven_kpi_id
        FROM kpi_driver d JOIN chain c ON d.driver_kpi_id = c.id
        WHERE NOT d.driven_kpi_id = ANY(c.ids)
    )
    SELECT string_agg(k.code, ' → ' ORDER BY p.n) INTO path
    FROM (
        SELECT ids FROM chain WHERE id = NEW.driver_kpi_id ORDER BY cardinality(ids) LIMIT 1
    ) c
    CROSS JOIN LATERAL unnest(NEW.driver_kpi_id || c.ids) WITH ORDINALITY AS p(id, n)
    JOIN kpi k ON k.id = p.id;
    IF path IS NOT NULL THEN
        RAISE EXCEPTION 'This driver makes a KPI driver cycle: %.', path
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_kpi_driver_no_cycle';
    END IF;
    RETURN NEW;
END;
$$;
"""

DRIVER_CYCLE_TRIGGER = """
CREATE TRIGGER kpi_driver_no_cycle
AFTER INSERT OR UPDATE OF driver_kpi_id, driven_kpi_id ON kpi_driver
FOR EACH ROW EXECUTE FUNCTION kpi_driver_refuse_cycle();
"""


ACTIVE = "('approved', 'in_progress', 'on_hold')"

# As for the counts of migration 0003: the link triggers read the initiatives' status under
# FOR SHARE, so a concurrent status change waits, then the other side sees it.
CLAIM_FUNCTIONS = [
    f"""
CREATE FUNCTION kpi_add_claims(initiatives bigint[], kpis bigint[], weights numeric[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM initiative WHERE id = ANY(initiatives) ORDER BY id FOR SHARE;
    UPDATE kpi k SET claimed_weight = k.claimed_weight + c.weight
    FROM (
        SELECT l.kpi_id, sum(l.weight) AS weight
        FROM unnest(initiatives, kpis, weights) AS l(initiative_id, kpi_id, weight)
        JOIN initiative i ON i.id = l.initiative_id
        WHERE i.status IN {ACTIVE}
        GROUP BY l.kpi_id
    ) c
    WHERE k.id = c.kpi_id AND c.weight <> 0;
END;
$$""",
    """
CREATE FUNCTION kpi_claimed_links() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    initiatives bigint[];
    kpis bigint[];
    weights numeric[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(initiative_id), array_agg(kpi_id), array_agg(weight)
        INTO initiatives, kpis, weights FROM new_claim;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(initiative_id), array_agg(kpi_id), array_agg(-weight)
        INTO initiatives, kpis, weights FROM old_claim;
    ELSE
        SELECT array_agg(c.initiative_id), array_agg(c.kpi_id), array_agg(c.weight)
        INTO initiatives, kpis, weights
        FROM old_claim o JOIN new_claim n USING (id)
        CROSS JOIN LATERAL (VALUES
            (o.initiative_id, o.kpi_id, -o.weight), (n.initiative_id, n.kpi_id, n.weight)
        ) AS c(initiative_id, kpi_id, weight)
        WHERE (o.initiative_id, o.kpi_id, o.weight) IS DISTINCT FROM
            (n.initiative_id, n.kpi_id, n.weight);
    END IF;
    PERFORM kpi_add_claims(initiatives, kpis, weights);
    RETURN NULL;
END;
$$""",
    # An initiative becoming active (or not), or deleted while active, adds (or takes) the
    # weights of its links. Before a delete: its links go next, when it is no longer there.
    f"""
CREATE FUNCTION initiative_kpi_claims() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    source initiative := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    sign integer := CASE
        WHEN TG_OP = 'DELETE' THEN -1
        WHEN NEW.status IN {ACTIVE} THEN 1
        ELSE -1 END;
BEGIN
    UPDATE kpi k SET claimed_weight = k.claimed_weight + sign * c.weight
    FROM (
        SELECT ik.kpi_id, sum(ik.weight) AS weight FROM initiative_kpi ik
        WHERE ik.initiative_id = source.id
        GROUP BY ik.kpi_id
    ) c
    WHERE k.id = c.kpi_id;
    RETURN source;
END;
$$""",
]
CLAIM_TRIGGERS = [
    *(
        f"CREATE TRIGGER initiative_kpi_claims_{event.lower()} AFTER {event} ON initiative_kpi"
        f" REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION kpi_claimed_links()"
        for event, tables in (
            ("INSERT", "NEW TABLE AS new_claim"),
            ("DELETE", "OLD TABLE AS old_claim"),
            ("UPDATE", "OLD TABLE AS old_claim NEW TABLE AS new_claim"),
        )
    ),
    f"""CREATE TRIGGER initiative_claims_changed AFTER UPDATE OF status ON initiative
FOR EACH ROW WHEN ((OLD.status IN {ACTIVE}) IS DISTINCT FROM (NEW.status IN {ACTIVE}))
EXECUTE FUNCTION initiative_kpi_claims()""",
    f"""CREATE TRIGGER initiative_claims_deleted BEFORE DELETE ON initiative FOR EACH ROW
WHEN (OLD.status IN {ACTIVE})
EXECUTE FUNCTION initiative_kpi_claims()""",
]
CLAIM_TRIGGER_NAMES = [
    ("initiative_kpi_claims_insert", "initiative_kpi"),
    ("initiative_kpi_claims_delete", "initiative_kpi"),
    ("initiative_kpi_claims_update", "initiative_kpi"),
    ("initiative_claims_changed", "initiative"),
    ("initiative_claims_deleted", "initiative"),
]
CLAIM_FUNCTION_SIGNATURES = [
    "initiative_kpi_claims()",
    "kpi_claimed_links()",
    "kpi_add_claims(bigint[], bigint[], numeric[])",
]
# The sums of the rows already there.
BACKFILL_CLAIMS = f"""
UPDATE kpi k SET claimed_weight = c.weight
FROM (
    SELECT ik.kpi_id, sum(ik.weight) AS weight
    FROM initiative_kpi ik JOIN initiative i ON i.id = ik.initiative_id
    WHERE i.status IN {ACTIVE}
    GROUP BY ik.kpi_id
) c
WHERE k.id = c.kpi_id
"""


def _replace_enabler_rule(enabler: str, kinds: str) -> None:
    op.execute("DROP TRIGGER initiative_enabler_changed ON initiative")
    op.execute("DROP TRIGGER initiative_enabler_deleted ON initiative")
    op.execute(_count_links(enabler, kinds))
    op.execute(_enabler_counts(enabler, kinds))
    for statement in _triggers(enabler):
        op.execute(statement)
    op.execute(_recompute(enabler, kinds))


def upgrade() -> None:
    op.add_column(
        "portfolio_setting",
        sa.Column("band_min", sa.Numeric(5, 4), server_default="0", nullable=False),
    )
    op.create_check_constraint(
        "ck_portfolio_setting_band_min_range", "portfolio_setting", "band_min BETWEEN 0 AND 1"
    )
    op.create_check_constraint(
        "ck_portfolio_setting_band_order", "portfolio_setting", "band_min <= band_max"
    )
    op.execute(ENABLER_FUNCTION)
    _replace_enabler_rule(live_enabler, NEW_KINDS)
    op.execute(DRIVER_CYCLE_FUNCTION)
    op.execute(DRIVER_CYCLE_TRIGGER)
    op.add_column(
        "kpi", sa.Column("claimed_weight", sa.Numeric(), server_default="0", nullable=False)
    )
    for statement in [*CLAIM_FUNCTIONS, *CLAIM_TRIGGERS, BACKFILL_CLAIMS]:
        op.execute(statement)


def downgrade() -> None:
    for trigger, table in CLAIM_TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
    for signature in CLAIM_FUNCTION_SIGNATURES:
        op.execute(f"DROP FUNCTION {signature}")
    op.drop_column("kpi", "claimed_weight")
    op.execute("DROP TRIGGER kpi_driver_no_cycle ON kpi_driver")
    op.execute("DROP FUNCTION kpi_driver_refuse_cycle()")
    _replace_enabler_rule(old_enabler, OLD_KINDS)
    op.execute("DROP FUNCTION initiative_counts_as_enabler(text, text)")
    op.drop_constraint("ck_portfolio_setting_band_order", "portfolio_setting", type_="check")
    op.drop_constraint("ck_portfolio_setting_band_min_range", "portfolio_setting", type_="check")
    op.drop_column("portfolio_setting", "band_min")
