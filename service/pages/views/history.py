"""Audit events as sentences for the history tables."""

from typing import Any

from schema import AuditEvent

ENTITIES = {
    "initiative": "the initiative",
    "progress_update": "a check-in",
    "initiative_kpi": "a KPI link",
    "initiative_link": "a link to another initiative",
    "kpi": "the KPI",
    "kpi_measurement": "a measurement",
    "kpi_driver": "a KPI driver",
}
VERBS = {
    "create": "Created",
    "update": "Changed",
    "delete": "Removed",
    "transition": "Moved",
    "record_measurements": "Recorded measurements of",
}
HIDDEN = frozenset({"version", "id", "created_at", "updated_at"})
MAX_CHANGES = 6


def _short(value: Any) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def describe(event: AuditEvent) -> str:
    """`Moved the initiative: status proposed → approved`, `Created a check-in: 45%, green`."""
    verb = VERBS.get(event.action, event.action.replace("_", " ").capitalize())
    what = ENTITIES.get(event.entity_type, event.entity_type.replace("_", " "))
    before, after = event.before or {}, event.after or {}
    if event.entity_type == "progress_update" and after:
        return f"Posted a check-in: {after.get('percent_complete')}%, {after.get('health')}"
    if event.entity_type == "kpi_measurement" and after:
        return f"Recorded {after.get('value')} on {after.get('measured_on')}"
    if event.entity_type == "approval_waiver" and after:
        return f"Waived {after.get('check')} to approve: {_short(after.get('reason'))}"
    if event.entity_type == "change_request":
        return _change_request(event.action, before, after)
    if event.action in ("update", "transition") and after:
        changes = [
            f"{field.replace('_', ' ')} {_short(before.get(field))} → {_short(value)}"
            for field, value in after.items()
            if field not in HIDDEN
        ]
        shown = "; ".join(changes[:MAX_CHANGES])
        more = f" (+{len(changes) - MAX_CHANGES} more)" if len(changes) > MAX_CHANGES else ""
        return f"{verb} {what}: {shown}{more}" if changes else f"{verb} {what}"
    return f"{verb} {what}"


CHANGE_REQUEST_VERBS = {
    "request": "Asked the CDO office to change",
    "decide": "Decided a change request:",
    "withdraw": "Withdrew a change request",
}


def _change_request(action: str, before: dict[str, Any], after: dict[str, Any]) -> str:
    """`Asked the CDO office to change: orientation client_facing → internal`, a decision."""
    verb = CHANGE_REQUEST_VERBS.get(action, action.replace("_", " ").capitalize())
    if action == "request" and after.get("changes"):
        changes = [
            f"{field.replace('_', ' ')} {_short(change.get('from'))} → {_short(change.get('to'))}"
            for field, change in after["changes"].items()
        ]
        return f"{verb}: {'; '.join(changes)}"
    if action == "decide" and after:
        comment = f" ({_short(after.get('comment'))})" if after.get("comment") else ""
        return f"{verb} {after.get('status')}{comment}"
    return verb
