"""Audit events as sentences for the history tables."""

from decimal import Decimal
from typing import Any

from schema import AuditEvent
from service.i18n import N_, formats
from service.i18n import gettext as _

ENTITIES = {
    "initiative": N_("the initiative"),
    "progress_update": N_("a check-in"),
    "initiative_kpi": N_("a KPI link"),
    "initiative_link": N_("a link to another initiative"),
    "kpi": N_("the KPI"),
    "kpi_measurement": N_("a measurement"),
    "kpi_driver": N_("a KPI driver"),
}
VERBS = {
    "create": N_("Created %(what)s"),
    "update": N_("Changed %(what)s"),
    "delete": N_("Removed %(what)s"),
    "transition": N_("Moved %(what)s"),
    "record_measurements": N_("Recorded measurements of %(what)s"),
}
# A check-in as the history tells it, per health.
CHECK_INS = {
    "green": N_("Posted a check-in: %(done)s, green"),
    "amber": N_("Posted a check-in: %(done)s, amber"),
    "red": N_("Posted a check-in: %(done)s, red"),
}
HIDDEN = frozenset({"version", "id", "created_at", "updated_at"})
MAX_CHANGES = 6


def _short(value: Any) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _done(after: dict[str, Any]) -> str:
    done = after.get("percent_complete")
    return formats.percent(None if done is None else Decimal(done) / 100)


def describe(event: AuditEvent) -> str:
    """`Moved the initiative: status proposed → approved`, `Created a check-in: 45.0%, green`."""
    entity = ENTITIES.get(event.entity_type)
    what = _(entity) if entity else event.entity_type.replace("_", " ")
    verb = VERBS.get(event.action)
    done = (
        _(verb) % {"what": what}
        if verb
        else f"{event.action.replace('_', ' ').capitalize()} {what}"
    )
    before, after = event.before or {}, event.after or {}
    if event.entity_type == "progress_update" and after:
        health = after.get("health")
        sentence = CHECK_INS.get(str(health), N_("Posted a check-in: %(done)s"))
        return _(sentence) % {"done": _done(after)}
    if event.entity_type == "kpi_measurement" and after:
        return _("Recorded %(value)s on %(day)s") % {
            "value": after.get("value"),
            "day": after.get("measured_on"),
        }
    if event.entity_type == "approval_waiver" and after:
        return _("Waived %(check)s to approve: %(reason)s") % {
            "check": after.get("check"),
            "reason": _short(after.get("reason")),
        }
    if event.entity_type == "change_request":
        return _change_request(event.action, before, after)
    if event.action in ("update", "transition") and after:
        changes = [
            f"{field.replace('_', ' ')} {_short(before.get(field))} → {_short(value)}"
            for field, value in after.items()
            if field not in HIDDEN
        ]
        if not changes:
            return done
        shown = "; ".join(changes[:MAX_CHANGES])
        if len(changes) > MAX_CHANGES:
            more = {"n": len(changes) - MAX_CHANGES}
            shown += " " + _("(+%(n)s more)") % more
        return _("%(done)s: %(changes)s") % {"done": done, "changes": shown}
    return done


# A decided change request, per decision.
DECIDED = {
    "approved": N_("Decided a change request: approved"),
    "rejected": N_("Decided a change request: rejected"),
}


def _change_request(action: str, before: dict[str, Any], after: dict[str, Any]) -> str:
    """`Asked the CDO office to change: orientation client_facing → internal`, a decision."""
    if action == "request" and after.get("changes"):
        changes = [
            f"{field.replace('_', ' ')} {_short(change.get('from'))} → {_short(change.get('to'))}"
            for field, change in after["changes"].items()
        ]
        return _("Asked the CDO office to change: %(changes)s") % {"changes": "; ".join(changes)}
    if action == "request":
        return _("Asked the CDO office to change")
    if action == "decide" and after:
        status = str(after.get("status"))
        decided = (
            _(DECIDED[status])
            if status in DECIDED
            else f"{_('Decided a change request:')} {status}"
        )
        comment = f" ({_short(after.get('comment'))})" if after.get("comment") else ""
        return decided + comment
    if action == "decide":
        return _("Decided a change request:")
    if action == "withdraw":
        return _("Withdrew a change request")
    return action.replace("_", " ").capitalize()
