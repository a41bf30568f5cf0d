"""The OIDC_* settings: the role mapping, its order and default, and refusing to start
with a mapping that cannot apply."""

import pytest

from service.actor import Role
from service.auth.oidc import config
from service.auth.oidc.config import Grant, InvalidSsoSetting
from service.config import Settings
from service.main import create_app

MAP = '{"staff": "viewer", "cdo-office": "cdo_office", "hr-heads": "department_head:HR"}'


def _settings(**values: str) -> Settings:
    return Settings(database_url=None, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"groups": ["cdo-office", "staff"]}, Grant(Role.viewer)),  # the first entry wins
        ({"groups": ["hr-heads"]}, Grant(Role.department_head, "hr")),
        ({"groups": "cdo-office"}, Grant(Role.cdo_office)),  # a single text
        ({"groups": ["contractors"]}, None),
        ({}, None),
    ],
)
def test_claims_map_to_the_first_matching_entry(claims: dict, expected: Grant | None) -> None:
    assert config.grant_for(claims, _settings(oidc_role_map=MAP)) == expected


def test_the_default_role_applies_to_unmapped_people() -> None:
    settings = _settings(oidc_role_map=MAP, oidc_default_role="contributor")
    assert config.grant_for({"groups": ["contractors"]}, settings) == Grant(Role.contributor)


def test_another_claim_can_carry_the_roles() -> None:
    settings = _settings(oidc_role_map='{"Portfolio.Admin": "cdo_office"}', oidc_role_claim="roles")
    assert config.grant_for({"roles": ["Portfolio.Admin"]}, settings) == Grant(Role.cdo_office)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"oidc_role_map": "{not json"}, "OIDC_ROLE_MAP is not JSON"),
        ({"oidc_role_map": '["cdo_office"]'}, "OIDC_ROLE_MAP must be a JSON object of texts"),
        ({"oidc_role_map": '{"a": "boss"}'}, "OIDC_ROLE_MAP: 'boss' names no role"),
        ({"oidc_role_map": '{"a": "department_head"}'}, "a department head needs its department"),
        ({"oidc_role_map": '{"a": "viewer:hr"}'}, "only a department head takes one"),
        ({"oidc_default_role": "admin"}, "OIDC_DEFAULT_ROLE: 'admin' names no role"),
        (
            {"oidc_discovery_url": "https://idp.example.com/.well-known/openid-configuration"},
            "needs both OIDC_DISCOVERY_URL and OIDC_CLIENT_ID",
        ),
    ],
)
def test_the_service_refuses_to_start_with_a_mapping_that_cannot_apply(
    values: dict[str, str], message: str
) -> None:
    with pytest.raises(InvalidSsoSetting, match=message):
        create_app(_settings(**values))
