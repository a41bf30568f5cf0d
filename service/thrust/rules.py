"""The rules of the EX → CX chain, as SQL fragments: which customer KPIs an employee KPI
drives at any depth, which initiatives are a promise's live enablers, and when an enabler
lands late (ENABLER_LATE). The flags, the scenarios and the thrust read them from here.
"""

# Every KPI an employee KPI drives, at any depth: one walk down kpi_driver for the whole
# portfolio (UNION keeps each KPI once, so the walk ends even on a cycle).
EX_DRIVEN = """
    WITH RECURSIVE driven(id) AS (
        SELECT dr.driven_kpi_id FROM kpi_driver dr
        JOIN kpi e ON e.id = dr.driver_kpi_id WHERE e.perspective = 'employee'
        UNION
        SELECT dr.driven_kpi_id FROM driven d JOIN kpi_driver dr ON dr.driver_kpi_id = d.id
    )
    SELECT id FROM driven"""


def enabler_lands_late(enabler: str, promise: str) -> str:
    """True when the enabler `enabler` lands after the promise `promise`: not done, and
    targeting a later day than the promise's target date (unknown dates are not late)."""
    return (
        f"coalesce({enabler}.status <> 'done'"
        f" AND {enabler}.target_date > {promise}.target_date, false)"
    )


def live_enablers(promise: str, initiatives: str = "initiative") -> str:
    """The live enablers `e` of the initiative `promise` (as enabler_count counts them:
    migration 0009), read from `initiatives`."""
    return f"""
    SELECT e.* FROM (
        SELECT l.from_id AS id FROM initiative_link l
        WHERE l.to_id = {promise}.id AND l.kind = 'enables'
        UNION ALL
        SELECT l.to_id FROM initiative_link l
        WHERE l.from_id = {promise}.id AND l.kind = 'depends_on'
    ) x
    JOIN {initiatives} e ON e.id = x.id
    WHERE e.id <> {promise}.id AND initiative_counts_as_enabler(e.orientation, e.status)"""


def every_enabler_late(promise: str, initiatives: str = "initiative") -> str:
    """The ENABLER_LATE rule on the initiative `promise`: it has a target date and live
    enablers, and every one of them lands after it."""
    return f"""({promise}.target_date IS NOT NULL AND {promise}.enabler_count > 0
    AND NOT EXISTS (
        SELECT 1 FROM ({live_enablers(promise, initiatives)}) e
        WHERE NOT {enabler_lands_late("e", promise)}
    ))"""
