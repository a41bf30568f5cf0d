"""What the OIDC_* settings mean: whether single sign-on is on, and claims to roles.

OIDC_ROLE_MAP is a JSON object from a value of the OIDC_ROLE_CLAIM claim (e.g. a group
name or id) to a grant: a role (`cdo_office`, `contributor`, `viewer`, `bi_reader`) or
`department_head:<department code>`. The entries are tried in the order written; the first
value the person holds decides. OIDC_DEFAULT_ROLE (same form) applies to a person holding
none; empty refuses them.
"""

import json
from dataclasses import dataclass
from typing import Any

from service.actor import Role
from service.config import Settings
from service.errors import Forbidden
from service.i18n import gettext as _

ENABLE_HINT = "OIDC_DISCOVERY_URL and OIDC_CLIENT_ID"


class InvalidSsoSetting(ValueError):
    """An OIDC_* setting that cannot mean anything: the service refuses to start."""


@dataclass(frozen=True)
class Grant:
    """What a mapped claim value makes of an account."""

    role: Role
    department_code: str | None = None


def parse_grant(text: str, setting: str) -> Grant:
    """`cdo_office` or `department_head:hr` as a Grant; InvalidSsoSetting when neither."""
    role_name, _, department = text.strip().partition(":")
    try:
        role = Role(role_name.strip())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InvalidSsoSetting(
            f"{setting}: '{text}' names no role; use one of {choices}"
            " (department_head:<department code> for a department head)."
        ) from None
    department = department.strip()
    if (role is Role.department_head) != bool(department):
        raise InvalidSsoSetting(
            f"{setting}: '{text}': a department head needs its department"
            " (department_head:<department code>), and only a department head takes one."
        )
    return Grant(role, department.lower() or None)


def role_map(settings: Settings) -> dict[str, Grant]:
    """OIDC_ROLE_MAP parsed, in the order written; InvalidSsoSetting when malformed."""
    try:
        raw: Any = json.loads(settings.oidc_role_map or "{}")
    except json.JSONDecodeError as exc:
        raise InvalidSsoSetting(f"OIDC_ROLE_MAP is not JSON: {exc.msg}.") from None
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise InvalidSsoSetting(
            'OIDC_ROLE_MAP must be a JSON object of texts, e.g. {"cdo-office": "cdo_office"}.'
        )
    return {str(value): parse_grant(grant, "OIDC_ROLE_MAP") for value, grant in raw.items()}


def default_grant(settings: Settings) -> Grant | None:
    """OIDC_DEFAULT_ROLE parsed; None (refuse unmapped people) when empty."""
    text = settings.oidc_default_role.strip()
    return parse_grant(text, "OIDC_DEFAULT_ROLE") if text else None


def enabled(settings: Settings) -> bool:
    """Whether single sign-on is configured."""
    return bool(settings.oidc_discovery_url and settings.oidc_client_id)


def check(settings: Settings) -> None:
    """Refuse to start (InvalidSsoSetting) with a mapping that cannot be applied."""
    role_map(settings)
    default_grant(settings)
    if bool(settings.oidc_discovery_url) != bool(settings.oidc_client_id):
        raise InvalidSsoSetting(f"Single sign-on needs both {ENABLE_HINT}.")


def grant_for(claims: dict[str, Any], settings: Settings) -> Grant | None:
    """The grant of a person with these ID token claims; None when nothing maps them."""
    held = claims.get(settings.oidc_role_claim)
    values = {str(v) for v in held} if isinstance(held, list) else set()
    if isinstance(held, str | int):
        values = {str(held)}
    for value, grant in role_map(settings).items():
        if value in values:
            return grant
    return default_grant(settings)


def require_password_login(settings: Settings) -> None:
    """Forbidden while PASSWORD_LOGIN_ENABLED is false (API tokens are not affected)."""
    if not settings.password_login_enabled:
        refusal = _("Sign-in with a password is turned off here.")
        if enabled(settings):
            way = _("Sign in with %(provider)s.") % {"provider": settings.oidc_provider_name}
            refusal = f"{refusal} {way}"
        raise Forbidden(
            refusal,
            code="password_login_disabled",
        )


def login_page_context(settings: Settings) -> dict[str, Any]:
    """What the sign-in page shows: the provider's button, the password form or not."""
    return {
        "sso_name": settings.oidc_provider_name if enabled(settings) else None,
        "password_login": settings.password_login_enabled,
    }
