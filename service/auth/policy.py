"""Authorization: the one place that says which role may do what, on which object.

Every write service function calls `require(...)` before it changes anything, so REST,
GraphQL, pages and the command line share the same rules. Reading is company-wide.
"""

from collections.abc import Iterable
from enum import StrEnum

from service.actor import Actor, Role
from service.errors import Forbidden
from service.i18n import N_
from service.i18n import gettext as _


class Permission(StrEnum):
    read = "read"
    use_pages = "use_pages"
    manage_org = "manage_org"
    manage_kpis = "manage_kpis"
    manage_portfolio = "manage_portfolio"
    manage_accounts = "manage_accounts"
    read_audit = "read_audit"
    edit_initiative = "edit_initiative"
    post_checkin = "post_checkin"
    record_measurement = "record_measurement"
    decide = "decide"
    save_scenario = "save_scenario"
    manage_scenarios = "manage_scenarios"
    read_metrics = "read_metrics"
    manage_webhooks = "manage_webhooks"
    raise_irritant = "raise_irritant"
    manage_irritant = "manage_irritant"
    triage_flag = "triage_flag"
    lead_department = "lead_department"
    change_own_preferences = "change_own_preferences"


# What each permission lets an actor do, for the refusal message.
_DOING = {
    Permission.read: N_("read the portfolio"),
    Permission.use_pages: N_("use the web pages (this account reads through the APIs)"),
    Permission.manage_org: N_("change departments or people"),
    Permission.manage_kpis: N_("change KPI definitions or drivers"),
    Permission.manage_portfolio: N_("change portfolio settings or snapshots"),
    Permission.manage_accounts: N_("manage accounts"),
    Permission.read_audit: N_("read the audit trail"),
    Permission.edit_initiative: N_("change this initiative"),
    Permission.post_checkin: N_("post a check-in on this initiative"),
    Permission.record_measurement: N_("record measurements of this KPI"),
    Permission.decide: N_("decide approvals and change requests (the CDO office decides)"),
    Permission.save_scenario: N_("save scenarios"),
    Permission.manage_scenarios: N_("delete a scenario someone else saved"),
    Permission.read_metrics: N_("read the metrics (the CDO office and the metrics scraper do)"),
    Permission.manage_webhooks: N_("manage webhooks (the CDO office does)"),
    Permission.raise_irritant: N_("raise or vote for irritants (an account of a person does)"),
    Permission.manage_irritant: N_("close, reopen or move this irritant"),
    Permission.triage_flag: N_("acknowledge, assign or snooze this flag"),
    Permission.lead_department: N_("open their own department's page (a department head does)"),
    Permission.change_own_preferences: N_("change their own preferences"),
}

_CDO_ONLY = frozenset(
    {
        Permission.manage_org,
        Permission.manage_kpis,
        Permission.manage_portfolio,
        Permission.manage_accounts,
        Permission.read_audit,
        Permission.decide,
        Permission.manage_scenarios,
        Permission.read_metrics,
        Permission.manage_webhooks,
    }
)


def allowed(
    actor: Actor,
    permission: Permission,
    *,
    department_id: int | None = None,
    owner_id: int | None = None,
    department_ids: Iterable[int] = (),
) -> bool:
    """True when `actor` may do `permission` on an object of `department_id`, owned by
    `owner_id`, or (KPIs) accountable to `department_ids`."""
    if permission in (Permission.read, Permission.change_own_preferences):
        return True  # every account, bi_reader included
    if permission is Permission.use_pages:
        return actor.role is not Role.bi_reader
    if permission is Permission.raise_irritant:
        # Every employee: an account of a person, or one whose role writes; never bi_reader.
        writes = actor.role in (Role.cdo_office, Role.department_head, Role.contributor)
        return actor.role is not Role.bi_reader and (writes or actor.person_id is not None)
    if permission is Permission.lead_department:
        return actor.role is Role.department_head and actor.department_id is not None
    if actor.role is Role.cdo_office:
        return True
    if permission in _CDO_ONLY:
        return False
    if permission is Permission.save_scenario:
        return actor.role is Role.department_head
    own_department = actor.role is Role.department_head and actor.department_id is not None
    if permission in (Permission.edit_initiative, Permission.manage_irritant):
        return own_department and department_id == actor.department_id
    if permission in (Permission.post_checkin, Permission.triage_flag):
        # A flag: its department's head, or whoever should act on it (owner or assignee).
        heads_it = own_department and department_id == actor.department_id
        owns_it = (
            actor.role in (Role.department_head, Role.contributor)
            and actor.person_id is not None
            and owner_id == actor.person_id
        )
        return heads_it or owns_it
    if permission is Permission.record_measurement:
        return own_department and actor.department_id in set(department_ids)
    return False


def require(
    actor: Actor,
    permission: Permission,
    *,
    department_id: int | None = None,
    owner_id: int | None = None,
    department_ids: Iterable[int] = (),
) -> None:
    """Raise Forbidden (403, code `forbidden`) unless `actor` may do `permission`."""
    ids = list(department_ids)
    if allowed(
        actor, permission, department_id=department_id, owner_id=owner_id, department_ids=ids
    ):
        return
    refusal = _("%(actor)s (%(role)s) may not %(doing)s.") % {
        "actor": actor.label,
        "role": actor.role.value,
        "doing": _(_DOING[permission]),
    }
    why = _why(actor)
    raise Forbidden(f"{refusal} {why}" if why else refusal, code="forbidden")


def _why(actor: Actor) -> str:
    if actor.role is Role.department_head:
        return _("A department head writes only for their own department.")
    if actor.role is Role.contributor:
        return _("A contributor posts check-ins on the initiatives they own.")
    if actor.role in (Role.viewer, Role.bi_reader):
        return _("This account reads only.")
    return ""
