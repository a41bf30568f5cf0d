"""The initiative history says what happened in the decision room, in words."""

from schema import AuditEvent
from service.pages.views.history import describe


def _event(entity_type: str, action: str, **values: object) -> AuditEvent:
    return AuditEvent(entity_type=entity_type, action=action, entity_id=1, **values)


def test_a_change_request_a_decision_a_withdrawal_and_a_waiver_read_as_sentences() -> None:
    changes = {"orientation": {"from": "client_facing", "to": "internal"}}
    asked = _event("change_request", "request", after={"changes": changes, "status": "pending"})
    decided = _event(
        "change_request", "decide", after={"status": "rejected", "comment": "Keep it."}
    )
    withdrawn = _event("change_request", "withdraw", after={"status": "withdrawn"})
    waived = _event(
        "approval_waiver", "waive", after={"check": "NO_KPI", "reason": "KPI defined next month."}
    )
    assert [describe(e) for e in (asked, decided, withdrawn, waived)] == [
        "Asked the CDO office to change: orientation client_facing → internal",
        "Decided a change request: rejected (Keep it.)",
        "Withdrew a change request",
        "Waived NO_KPI to approve: KPI defined next month.",
    ]
