"""The Jinja2 environment of the pages and the one function that renders a page."""

import importlib.util
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from service.actor import Actor
from service.auth import policy, sessions
from service.auth.policy import Permission
from service.pages import forms
from service.pages.static_files import PLOTLY_URL, STATIC_DIR
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
    "client_facing": "Client-facing",
    "in_progress": "In progress",
    "on_hold": "On hold",
    "user_need": "User need",
    "cdo_office": "CDO office",
    "department_head": "Department head",
    "bi_reader": "BI reader",
    # Flag codes
    "PORTFOLIO_CLIENT_SKEW": "Portfolio skewed to client-facing",
    "DEPARTMENT_CLIENT_SKEW": "Department skewed to client-facing",
    "DEPARTMENT_UNCOVERED": "Department left dark",
    "MISSING_ENABLER": "Missing internal enabler",
    "NO_USER_NEED": "No user need",
    "TECH_PUSH": "Tech push",
    "NO_KPI": "No KPI",
    "SILO_KPI": "Silo KPI",
    "STALE_UPDATE": "Stale check-in",
    "KPI_UNMEASURED": "KPI unmeasured",
    "CX_KPI_WITHOUT_EX_DRIVER": "CX KPI without EX driver",
    "DONE_WITHOUT_KPI_MOVEMENT": "Done without KPI movement",
    "OWNER_INACTIVE": "Owner inactive",
    "KPI_OVERCLAIMED": "KPI overclaimed",
    "ENABLER_LATE": "Enabler lands late",
}

# (path, label, permission needed to see it)
NAVIGATION = (
    ("/", "Dashboard", Permission.read),
    ("/departments/mine", "My department", Permission.lead_department),
    ("/initiatives", "Initiatives", Permission.read),
    ("/kpis", "KPIs", Permission.read),
    ("/org", "Org", Permission.read),
    ("/departments", "Departments", Permission.read),
    ("/irritants", "Irritants", Permission.read),
    ("/flags", "Flags", Permission.read),
    ("/decisions", "Decisions", Permission.decide),
    ("/scenarios", "What if", Permission.read),
    ("/lessons", "Lessons", Permission.read),
    ("/settings", "Settings", Permission.manage_portfolio),
    ("/transfer", "Import / export", Permission.manage_org),
)
# Entries opened less often: grouped under "More" so the menu fits on one line.
MORE = frozenset({"/settings", "/transfer"})
# The signed-in account's own pages, at the end of "More" for every role.
ACCOUNT_PAGES = (("/tokens", "API tokens"), ("/notifications", "Email"))

# Pages show what the signed-in account may see: never kept by a cache. (The security
# headers themselves are set for every response by service.security_headers.)
PAGE_HEADERS = {"Cache-Control": "no-store"}


def label(value: object) -> str:
    """A stored value as people read it: `in_progress` -> `In progress`."""
    text = str(getattr(value, "value", value) or "")
    return LABELS.get(text, text.replace("_", " ").capitalize())


def percent(share: Decimal | float | None, places: int = 0) -> str:
    """0.6234 -> `62%`; None -> an em dash."""
    if share is None:
        return "—"
    return f"{float(share) * 100:.{places}f}%"


def number(value: Decimal | float | int | None, places: int = 0) -> str:
    """A number with thousands separators; None -> an em dash."""
    if value is None:
        return "—"
    return f"{float(value):,.{places}f}"


def day(value: date | datetime | None) -> str:
    """`23 Nov 2026`; None -> an em dash."""
    return "—" if value is None else value.strftime("%d %b %Y")


def moment(value: datetime | None) -> str:
    """`23 Nov 2026 14:05 UTC`."""
    return "—" if value is None else value.strftime("%d %b %Y %H:%M UTC")


templates.env.filters.update(
    label=label, percent=percent, number=number, day=day, moment=moment, event=describe
)
templates.env.globals["plotly_url"] = PLOTLY_URL


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
    return [
        (path, f"{text} ({pending})" if path == "/decisions" and pending is not None else text)
        for path, text, needed in NAVIGATION
        if policy.allowed(actor, needed)
    ]


def menus(
    actor: Actor | None, pending: int | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The menu as shown: the main entries, and those under "More" (then the account's pages)."""
    entries = navigation(actor, pending)
    more = [entry for entry in entries if entry[0] in MORE]
    return [entry for entry in entries if entry[0] not in MORE], more + list(ACCOUNT_PAGES)


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
