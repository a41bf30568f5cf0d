"""SQL of a flag's triage figures: its stored state, what is at stake, its age, who acts.

Every expression reads a flag row `f` (the columns of service/portfolio/flags.py), its
initiative `ini` (NULL unless the flag is about one), the stored `flag_triage` row `t`, the
department `dep` the flag concerns and the initiative's owner `own`. The list of flags, the
ranking and the look-up of one flag use the same expressions.

- Stakes: the larger of the budget and the spend concerned: an initiative's own; for a KPI,
  the sums over the active initiatives linked to it; for a department or the portfolio, the
  sums over its active initiatives (from the maintained department totals); 0 otherwise.
- Age: whole days since the flag was first seen (0 until the daily refresh sees it).
- State: acknowledged, else snoozed while today is before snoozed_until, else to_act_on.
- Who should act: the person it is assigned to, else the initiative's owner while active,
  else the head of the department concerned; nobody (the CDO office) for the portfolio flag.
"""

from service.portfolio.queries import ACTIVE, TODAY

# One initiative's stake; a set's is the larger of its summed budgets and summed spends.
_OWN = "greatest({i}.budget_planned, coalesce({i}.spent_to_date, 0))"
_SET = "greatest(coalesce(sum({b}), 0), coalesce(sum({s}), 0))"


# What a KPI's active initiatives have at stake, summed over their links `sk` to it.
_KPI_SUM = _SET.format(b="si.budget_planned", s="si.spent_to_date")
_KPI_LINKS = f"""FROM initiative_kpi sk JOIN initiative si ON si.id = sk.initiative_id
    WHERE si.status IN {ACTIVE}"""


def kpi_stakes_cte(name: str, kpis: str) -> str:
    """A CTE `name` (kpi_id, stakes): what is at stake behind each KPI of the query `kpis`."""
    return f"""
{name} AS MATERIALIZED (
    SELECT sk.kpi_id, {_KPI_SUM} AS stakes
    {_KPI_LINKS} AND sk.kpi_id IN ({kpis})
    GROUP BY sk.kpi_id
)"""


def stakes(f: str = "f", ini: str = "ini", kpi_stakes: str | None = None) -> str:
    """The money at stake behind the flag row `f` (a KPI's read from the `kpi_stakes`
    column when given, else summed for the row)."""
    totals = _SET.format(b="dt.budget_total", s="dt.spent_total")
    per_kpi = f"(SELECT {_KPI_SUM} {_KPI_LINKS} AND sk.kpi_id = {f}.entity_id)"
    return f"""CASE {f}.entity_type
    WHEN 'initiative' THEN {_OWN.format(i=ini)}
    WHEN 'kpi' THEN coalesce({kpi_stakes or per_kpi}, 0)
    WHEN 'department' THEN (
        SELECT {totals} FROM department_status_total dt
        WHERE dt.department_id = {f}.entity_id AND dt.status IN {ACTIVE})
    WHEN 'portfolio' THEN (
        SELECT {totals} FROM department_status_total dt WHERE dt.status IN {ACTIVE})
    ELSE 0 END::numeric(16, 2)"""


def joins(f: str = "f") -> str:
    """The stored triage row `t` of the flag row `f`."""
    return f"""
LEFT JOIN flag_triage t ON t.code = {f}.code AND t.entity_type = {f}.entity_type
    AND t.entity_id = coalesce({f}.entity_id, 0)"""


AGE = f"greatest(0, {TODAY} - coalesce(t.first_seen_at::date, {TODAY}))"
STATE = f"""CASE WHEN t.acknowledged_at IS NOT NULL THEN 'acknowledged'
    WHEN t.snoozed_until > {TODAY} THEN 'snoozed' ELSE 'to_act_on' END"""
SHOULD_ACT = "coalesce(t.assigned_to, CASE WHEN own.is_active THEN own.id ELSE dep.head_id END)"

# The stored triage of a listed flag `p`, and who should act on it.
_PAGE_TRIAGE = """
    t.first_seen_at, t.acknowledged_at, t.note, t.snoozed_until, t.assigned_to,
    (SELECT coalesce(ap.name, a.email) FROM account a LEFT JOIN person ap ON ap.id = a.person_id
        WHERE a.id = t.acknowledged_by) AS acknowledged_by,
    act.id AS should_act_id, act.name AS should_act_name"""
# The triage columns of a listed flag `p` (its initiative `ini`, department `dep` joined).
PAGE_COLUMNS = f""",
    {stakes("p", "ini")} AS stakes, {AGE} AS age_days, {STATE} AS state,{_PAGE_TRIAGE}"""
# The same for a page of the ranking, whose rows carry their stakes, age and state already.
RANKED_COLUMNS = f""",
    p.stakes, p.age_days, p.state,{_PAGE_TRIAGE}"""

# The rows PAGE_COLUMNS read, joined to the listed flag `p` after `dep` and `ini`.
PAGE_JOINS = f"""{joins("p")}
LEFT JOIN person own ON own.id = ini.owner_id
LEFT JOIN person act ON act.id = {SHOULD_ACT}"""
