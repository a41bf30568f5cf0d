"""The authorization rules, role by role (service/auth/policy.py)."""

import pytest

from service.actor import Actor, Role
from service.auth import policy
from service.auth.policy import Permission
from service.errors import Forbidden

MARKETING, HR = 1, 2
OWNER = 10

CDO = Actor(1, Role.cdo_office)
MARKETING_HEAD = Actor(2, Role.department_head, department_id=MARKETING, person_id=20)
HR_HEAD = Actor(3, Role.department_head, department_id=HR, person_id=OWNER)
CONTRIBUTOR = Actor(4, Role.contributor, person_id=OWNER)
OTHER_CONTRIBUTOR = Actor(5, Role.contributor, person_id=11)
VIEWER = Actor(6, Role.viewer, person_id=OWNER)
BI = Actor(7, Role.bi_reader)
EVERYONE = (CDO, MARKETING_HEAD, HR_HEAD, CONTRIBUTOR, OTHER_CONTRIBUTOR, VIEWER, BI)

# A marketing initiative owned by person OWNER; a KPI marketing and finance answer for.
SCOPE = {"department_id": MARKETING, "owner_id": OWNER, "department_ids": [MARKETING, 5]}

EXPECTED = {
    Permission.read: EVERYONE,
    Permission.use_pages: (CDO, MARKETING_HEAD, HR_HEAD, CONTRIBUTOR, OTHER_CONTRIBUTOR, VIEWER),
    Permission.manage_org: (CDO,),
    Permission.manage_kpis: (CDO,),
    Permission.manage_portfolio: (CDO,),
    Permission.manage_accounts: (CDO,),
    Permission.read_audit: (CDO,),
    Permission.edit_initiative: (CDO, MARKETING_HEAD),
    # HR_HEAD owns the marketing initiative; the viewer owning one still only reads.
    Permission.post_checkin: (CDO, MARKETING_HEAD, HR_HEAD, CONTRIBUTOR),
    # A flag: the CDO office, its department's head, whoever should act (owner or assignee).
    Permission.triage_flag: (CDO, MARKETING_HEAD, HR_HEAD, CONTRIBUTOR),
    Permission.record_measurement: (CDO, MARKETING_HEAD),
    # Approvals and change requests: the CDO office decides.
    Permission.decide: (CDO,),
    # Scenarios: the CDO office and every department head save them.
    Permission.save_scenario: (CDO, MARKETING_HEAD, HR_HEAD),
    Permission.manage_scenarios: (CDO,),
    Permission.read_metrics: (CDO,),
    Permission.manage_webhooks: (CDO,),
    # Every account of a person, or whose role writes (the viewer here has a person).
    Permission.raise_irritant: (
        CDO,
        MARKETING_HEAD,
        HR_HEAD,
        CONTRIBUTOR,
        OTHER_CONTRIBUTOR,
        VIEWER,
    ),
    Permission.manage_irritant: (CDO, MARKETING_HEAD),
    # "My department": a department head's own page (the CDO office reads every department).
    Permission.lead_department: (MARKETING_HEAD, HR_HEAD),
    # One's own language: every account, bi_reader (which writes nothing else) included.
    Permission.change_own_preferences: EVERYONE,
}


@pytest.mark.parametrize("permission", list(Permission))
def test_who_may_do_what(permission: Permission) -> None:
    allowed = [a for a in EVERYONE if policy.allowed(a, permission, **SCOPE)]  # type: ignore[arg-type]
    assert allowed == list(EXPECTED[permission])


def test_a_head_without_department_edits_nothing() -> None:
    lost = Actor(8, Role.department_head, department_id=None)
    assert not policy.allowed(lost, Permission.edit_initiative, department_id=None)


def test_require_raises_forbidden_with_the_reason() -> None:
    with pytest.raises(Forbidden) as refused:
        policy.require(HR_HEAD, Permission.edit_initiative, department_id=MARKETING)
    assert refused.value.code == "forbidden"
    assert refused.value.status == 403
    assert "own department" in refused.value.detail
