"""The Jinja2 environment of the pages and the one function that renders a page."""

import importlib.util
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from service import i18n
from service.actor import Actor
from service.auth import policy, sessions
from service.auth.policy import Permission
from service.i18n import N_, formats
from service.pages import forms
from service.pages.static_files import PLOTLY_URL, STATIC_DIR, static_url
from service.pages.views.history import describe

# The templates ship as the top-level package `frontend_templates` (see pyproject.toml).
TEMPLATES_PACKAGE = "frontend_templates"
# Every page extends it: when it loads, the templates are installed.
LAYOUT = "base.html"


def template_folders() -> list[str]:
    """The folders of the installed `frontend_templates` package (none when it is missing)."""
    spec = importlib.util.find_spec(TEMPLATES_PACKAGE)
    found = spec.submodule_search_locations or () if spec is not None else ()
    return [folder for folder in dict.fromkeys(found) if Path(folder).is_dir()]


templates = Jinja2Templates(directory=template_folders())

LABELS = {
    # Initiative statuses
    "proposed": N_("Proposed"),
    "approved": N_("Approved"),
    "in_progress": N_("In progress"),
    "on_hold": N_("On hold"),
    "done": N_("Done"),
    "stopped": N_("Stopped"),
    # Orientations
    "client_facing": N_("Client-facing"),
    "internal": N_("Internal"),
    "hybrid": N_("Hybrid"),
    # Origins
    "user_need": N_("User need"),
    "regulation": N_("Regulation"),
    "efficiency": N_("Efficiency"),
    "technology": N_("Technology"),
    # Links between initiatives
    "enables": N_("Enables"),
    "depends_on": N_("Depends on"),
    # KPI directions, perspectives and cadences
    "increase": N_("Increase"),
    "decrease": N_("Decrease"),
    "customer": N_("Customer"),
    "employee": N_("Employee"),
    "operations": N_("Operations"),
    "financial": N_("Financial"),
    "monthly": N_("Monthly"),
    "quarterly": N_("Quarterly"),
    # Health of a check-in, severity of a flag
    "green": N_("Green"),
    "amber": N_("Amber"),
    "red": N_("Red"),
    "high": N_("High"),
    "medium": N_("Medium"),
    "low": N_("Low"),
    # Irritant statuses
    "open": N_("Open"),
    "addressed": N_("Addressed"),
    "closed": N_("Closed"),
    # Roles
    "cdo_office": N_("CDO office"),
    "department_head": N_("Department head"),
    "contributor": N_("Contributor"),
    "viewer": N_("Viewer"),
    "bi_reader": N_("BI reader"),
    # Change request statuses (approved: above)
    "pending": N_("Pending"),
    "rejected": N_("Rejected"),
    "withdrawn": N_("Withdrawn"),
    # What a scenario moves
    "status": N_("Status"),
    "orientation": N_("Orientation"),
    "budget_planned": N_("Budget planned"),
    "client_share": N_("Client-facing share"),
    "department_id": N_("Lead department"),
    "lessons_learned": N_("Lessons learned"),
    # Spreadsheet sheets (import and export)
    "departments": N_("Departments"),
    "people": N_("People"),
    "kpis": N_("KPIs"),
    "initiatives": N_("Initiatives"),
    "measurements": N_("Measurements"),
    "checkins": N_("Check-ins"),
    "irritants": N_("Irritants"),
    "flags": N_("Flags"),
    "balance": N_("Balance"),
    # Flag codes (and the approval checks named after them)
    "PORTFOLIO_CLIENT_SKEW": N_("Portfolio skewed to client-facing"),
    "DEPARTMENT_CLIENT_SKEW": N_("Department skewed to client-facing"),
    "DEPARTMENT_UNCOVERED": N_("Department left dark"),
    "MISSING_ENABLER": N_("Missing internal enabler"),
    "NO_USER_NEED": N_("No user need"),
    "TECH_PUSH": N_("Tech push"),
    "NO_KPI": N_("No KPI"),
    "SILO_KPI": N_("Silo KPI"),
    "STALE_UPDATE": N_("Stale check-in"),
    "KPI_UNMEASURED": N_("KPI unmeasured"),
    "CX_KPI_WITHOUT_EX_DRIVER": N_("CX KPI without EX driver"),
    "DONE_WITHOUT_KPI_MOVEMENT": N_("Done without KPI movement"),
    "OWNER_INACTIVE": N_("Owner inactive"),
    "KPI_OVERCLAIMED": N_("KPI overclaimed"),
    "ENABLER_LATE": N_("Enabler lands late"),
    "IRRITANT_UNADDRESSED": N_("Irritant unaddressed"),
}

# (path, label, permission needed to see it)
NAVIGATION = (
    ("/", N_("Dashboard"), Permission.read),
    ("/departments/mine", N_("My department"), Permission.lead_department),
    ("/initiatives", N_("Initiatives"), Permission.read),
    ("/kpis", N_("KPIs"), Permission.read),
    ("/org", N_("Org"), Permission.read),
    ("/departments", N_("Departments"), Permission.read),
    ("/irritants", N_("Irritants"), Permission.read),
    ("/flags", N_("Flags"), Permission.read),
    ("/decisions", N_("Decisions"), Permission.decide),
    ("/scenarios", N_("What if"), Permission.read),
    ("/lessons", N_("Lessons"), Permission.read),
    ("/settings", N_("Settings"), Permission.manage_portfolio),
    ("/transfer", N_("Import / export"), Permission.manage_org),
)
# Entries opened less often: grouped under "More" so the menu fits on one line.
MORE = frozenset({"/settings", "/transfer"})
# The signed-in account's own pages, at the end of "More" for every role.
ACCOUNT_PAGES = (("/tokens", N_("API tokens")), ("/notifications", N_("Email")))

# Pages show what the signed-in account may see: never kept by a cache. (The security
# headers themselves are set for every response by service.security_headers.)
PAGE_HEADERS = {"Cache-Control": "no-store"}


def label(value: object) -> str:
    """A stored value as people read it, in the page's language: `in_progress` -> `In progress`."""
    text = str(getattr(value, "value", value) or "")
    return i18n.gettext(LABELS.get(text, text.replace("_", " ").capitalize()))


templates.env.add_extension("jinja2.ext.i18n")
templates.env.policies["ext.i18n.trimmed"] = True  # babel.cfg extracts with `trimmed` too
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    i18n.gettext, i18n.ngettext, newstyle=True
)
templates.env.filters.update(
    label=label,
    percent=formats.percent,
    number=formats.number,
    money=formats.money,
    day=formats.day,
    moment=formats.moment,
    event=describe,
)
templates.env.globals.update(
    plotly_url=PLOTLY_URL,
    static_url=static_url,
    locale=i18n.current,
    languages=i18n.LANGUAGE_NAMES,
)


def _holds(href: str, path: str) -> bool:
    """Whether `href` is the page at `path` or holds it (`/kpis` holds `/kpis/3`)."""
    return path == href or (href != "/" and path.startswith(href))


def current(href: str, path: str) -> bool:
    """Whether the menu entry `href` is the current one at `path`: of the entries that hold
    the page, the most specific (`/departments/mine` rather than `/departments`)."""
    if not _holds(href, path):
        return False
    entries = [entry[0] for entry in NAVIGATION + ACCOUNT_PAGES]
    return not any(len(other) > len(href) and _holds(other, path) for other in entries)


templates.env.tests["current"] = current


def unavailable() -> str | None:
    """Why the pages cannot render (templates or static files missing), or None when they can."""
    try:
        templates.get_template(LAYOUT)
    except jinja2.TemplateNotFound:
        return f"the template {LAYOUT} is not installed (package {TEMPLATES_PACKAGE})"
    except jinja2.TemplateError as error:
        return f"the template {LAYOUT} cannot load: {error}"
    if not (STATIC_DIR / "app.css").is_file():
        return f"static files are missing from {STATIC_DIR}"
    return None


def can(actor: Actor | None, permission: str, **scope: Any) -> bool:
    """Whether the signed-in actor may take an action (templates hide what it may not)."""
    return actor is not None and policy.allowed(actor, Permission(permission), **scope)


def navigation(actor: Actor | None, pending: int | None = None) -> list[tuple[str, str]]:
    """The menu entries the actor may open; Decisions with the `pending` count."""
    if actor is None:
        return []
    entries = [
        (path, i18n.gettext(text))
        for path, text, needed in NAVIGATION
        if policy.allowed(actor, needed)
    ]
    return [
        (path, f"{text} ({pending})" if path == "/decisions" and pending is not None else text)
        for path, text in entries
    ]


def menus(
    actor: Actor | None, pending: int | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The menu as shown: the main entries, and those under "More" (then the account's pages)."""
    entries = navigation(actor, pending)
    more = [entry for entry in entries if entry[0] in MORE]
    mine = [(path, i18n.gettext(text)) for path, text in ACCOUNT_PAGES]
    return [entry for entry in entries if entry[0] not in MORE], more + mine


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render template `name` with the page chrome: actor, menu, CSRF token and flash."""
    actor: Actor | None = getattr(request.state, "actor", None)
    settings = request.app.state.settings
    cookie = request.cookies.get(sessions.SESSION_COOKIE)
    flash = forms.read_flash(request)
    main_menu, more_menu = menus(actor, getattr(request.state, "pending_decisions", None))
    chrome = {
        "actor": actor,
        "nav": main_menu,
        "nav_more": more_menu,
        "csrf_token": sessions.csrf_token(cookie, settings.secret_key) if cookie else "",
        "csrf_field": sessions.CSRF_FIELD,
        "flash": flash,
        "currency": settings.currency,
        "path": request.url.path,
        "can": lambda permission, **scope: can(actor, permission, **scope),
    }
    response = templates.TemplateResponse(
        request, name, chrome | (context or {}), status_code=status_code
    )
    response.headers.update(PAGE_HEADERS)
    if flash is not None:
        forms.clear_flash(response)
    return response
