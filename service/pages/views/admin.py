"""The flags page, the portfolio settings form and the API tokens page."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from schema import ApiToken, Department, PortfolioSetting
from schema.enums import Severity
from schema.text import NAME_MAX
from service.actor import Actor
from service.auth import policy, tokens
from service.auth.policy import Permission
from service.errors import DomainError, PreconditionFailed
from service.i18n import formats
from service.i18n import gettext as _
from service.pages.forms import FormState, parse, refuse
from service.pages.views import options
from service.portfolio import service as portfolio
from service.portfolio.flags import ORDERED_CODES, SEVERITY
from service.portfolio.payloads import FlagCode, FlagsPublic, PortfolioSettingUpdate

FLAGS_PER_PAGE = 50
TOKEN_LIFETIMES = {"30": 30, "90": 90, "365": 365, "": None}


@dataclass(frozen=True)
class FlagFilters:
    code: str | None = None
    severity: str | None = None
    department: str | None = None
    cursor: str | None = None

    @classmethod
    def of(cls, query: Mapping[str, Any]) -> "FlagFilters":
        """Read leniently from the query string: unknown values are ignored."""
        code, severity = query.get("code"), query.get("severity")
        return cls(
            code=code if code in FlagCode.__members__ else None,
            severity=severity if severity in Severity.__members__ else None,
            department=(query.get("department") or None),
            cursor=query.get("cursor") or None,
        )

    def url(self, cursor: str | None) -> str:
        """This list's address at another page."""
        pairs = {
            "view": "severity",
            "code": self.code,
            "severity": self.severity,
            "department": self.department,
            "cursor": cursor,
        }
        return "/flags?" + urlencode({k: v for k, v in pairs.items() if v})


@dataclass(frozen=True)
class FlagsPage:
    filters: FlagFilters
    flags: FlagsPublic
    departments: list[Department]
    codes: list[tuple[FlagCode, Severity]]
    error: str | None


async def flags_page(session: AsyncSession, filters: FlagFilters) -> FlagsPage:
    """One page of the flags raised now, filtered, and the count of each code."""
    error = None
    try:
        flags = await portfolio.list_flags(
            session,
            codes=[FlagCode(filters.code)] if filters.code else None,
            severities=[filters.severity] if filters.severity else None,
            department=filters.department,
            limit=FLAGS_PER_PAGE,
            cursor=filters.cursor,
        )
    except DomainError as exc:  # an unknown department code or a damaged cursor
        await session.rollback()
        error = exc.detail
        flags = await portfolio.list_flags(session, limit=FLAGS_PER_PAGE)
    return FlagsPage(
        filters=filters,
        flags=flags,
        departments=await options.departments(session),
        codes=[(code, SEVERITY[code]) for code in ORDERED_CODES],
        error=error,
    )


def settings_values(setting: PortfolioSetting) -> dict[str, Any]:
    """The settings form's values: the band as a percentage."""
    return {
        "band_percent": f"{(setting.band_max * 100).normalize():f}",
        "band_min_percent": f"{(setting.band_min * 100).normalize():f}",
        "stale_after_days": setting.stale_after_days,
        "irritant_vote_threshold": setting.irritant_vote_threshold,
        "version": setting.version,
    }


async def save_settings(
    session: AsyncSession, actor: Actor, form: dict[str, str], state: FormState
) -> bool:
    """Apply the settings form, unless the settings changed since it was opened."""
    policy.require(actor, Permission.manage_portfolio)
    state.values = dict(form)
    values: dict[str, Any] = {"stale_after_days": form.get("stale_after_days", "").strip()}
    if "irritant_vote_threshold" in form:
        values["irritant_vote_threshold"] = form["irritant_vote_threshold"].strip()
    try:
        values["band_max"] = Decimal(form.get("band_percent", "").strip()) / 100
    except InvalidOperation:
        state.errors["band_percent"] = _("Enter a percentage between 0 and 100.")
    try:
        values["band_min"] = Decimal(form.get("band_min_percent", "0").strip() or "0") / 100
    except InvalidOperation:
        state.errors["band_min_percent"] = _("Enter a percentage between 0 and 100.")
    data = parse(PortfolioSettingUpdate, values, state)
    for field, shown in (("band_max", "band_percent"), ("band_min", "band_min_percent")):
        if field in state.errors:
            state.errors[shown] = _("Enter a percentage between 0 and 100.")
    if data is None or state.failed:
        return False
    version = form.get("version", "")
    try:
        expected = int(version) if version.isdigit() else -1
        await portfolio.update_settings(session, actor, data, expected_version=expected)
    except PreconditionFailed:
        await session.rollback()
        state.error = _("Someone changed the settings meanwhile. Reload the page and retry.")
        return False
    except DomainError as exc:
        await session.rollback()
        if exc.field == "band_min":
            state.errors["band_min_percent"] = exc.detail
        else:
            refuse(state, exc, {"stale_after_days", "irritant_vote_threshold"})
        return False
    return True


async def my_tokens(session: AsyncSession, actor: Actor) -> list[ApiToken]:
    """The signed-in account's API tokens, newest first."""
    if actor.account_id is None:
        return []
    return sorted(await tokens.list_tokens(session, actor.account_id), key=lambda t: -(t.id or 0))


async def create_token(
    session: AsyncSession, actor: Actor, form: dict[str, str], state: FormState
) -> str | None:
    """Create a token for the signed-in account; its plaintext (shown once) or None."""
    state.values = dict(form)
    name = form.get("name", "").strip()
    if not name:
        state.errors["name"] = _("Say what the token is for, e.g. “Power BI refresh”.")
    elif len(name) > NAME_MAX:
        state.errors["name"] = _("At most %(n)s characters.") % {"n": formats.number(NAME_MAX)}
    lifetime = form.get("expires_in", "")
    if lifetime not in TOKEN_LIFETIMES:
        state.errors["expires_in"] = _("Choose one of the offered lifetimes.")
    if state.failed or actor.account_id is None:
        return None
    days = TOKEN_LIFETIMES[lifetime]
    expires = datetime.now().astimezone() + timedelta(days=days) if days else None
    __, plaintext = await tokens.create_token(
        session, actor, actor.account_id, name=name, expires_at=expires
    )
    return plaintext
