"""The emails (plain text and HTML parts, from frontend_templates/mail/) and the chat text.

Each email is written in its recipient's language (`account.locale`, English when unset):
subject and body are rendered within `i18n.use(locale)`.
"""

import importlib.util
from datetime import date
from email.message import EmailMessage
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from service import i18n
from service.i18n import formats
from service.i18n import gettext as _
from service.reminders.digest import Digest
from service.reminders.due import Reminder

TEMPLATES_PACKAGE = "frontend_templates"


@cache
def environment() -> jinja2.Environment:
    """Mail templates: HTML parts escaped, text parts as written, both translated."""
    spec = importlib.util.find_spec(TEMPLATES_PACKAGE)
    folders = (
        [f for f in (spec.submodule_search_locations or []) if Path(f).is_dir()] if spec else []
    )
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # babel.cfg extracts with `trimmed` too
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    env.filters.update(percent=formats.percent, number=formats.number, day=formats.day)
    env.globals.update(locale=i18n.current)
    return env


def render(name: str, context: dict[str, Any]) -> str:
    return environment().get_template(name).render(**context)


def checkin_link(base_url: str, initiative_id: int) -> str:
    """The check-in form of an initiative (sign-in first brings the browser back to it)."""
    return f"{base_url.rstrip('/')}/initiatives/{initiative_id}/checkins/new"


def _message(
    sender: str, to: str, subject: str, template: str, context: dict[str, Any]
) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message.set_content(render(f"mail/{template}.txt", context))
    message.add_alternative(render(f"mail/{template}.html", context), subtype="html")
    return message


def reminder_subject(reminder: Reminder) -> str:
    n = len(reminder.initiatives)
    if n == 1:
        return _("Check-in due: %(code)s") % {"code": reminder.initiatives[0].code}
    return _("Check-ins due: %(count)s initiatives") % {"count": formats.number(n)}


def reminder_message(
    reminder: Reminder, *, sender: str, base_url: str, today: date, stale_after_days: int
) -> EmailMessage:
    """One owner's reminder, in their language: each initiative due, when, and its link."""
    items = [
        {
            "code": i.code,
            "title": i.title,
            "due_on": i.due_on,
            "overdue_days": i.overdue_days(today),
            "link": checkin_link(base_url, i.id),
        }
        for i in reminder.initiatives
    ]
    context = {
        "name": reminder.owner_name,
        "items": items,
        "stale_after_days": stale_after_days,
        "settings_link": f"{base_url.rstrip('/')}/notifications",
    }
    with i18n.use(reminder.locale):
        return _message(sender, reminder.email, reminder_subject(reminder), "reminder", context)


def digest_context(digest: Digest, base_url: str | None) -> dict[str, Any]:
    base = (base_url or "").rstrip("/")
    return {"d": digest, "base": base, "settings_link": f"{base}/notifications"}


def digest_subject(digest: Digest) -> str:
    return _("Portfolio digest, week of %(day)s") % {"day": formats.day(digest.today)}


def digest_message(
    digest: Digest, *, sender: str, to: str, locale: str | None, base_url: str
) -> EmailMessage:
    """The CDO office's weekly digest, in the reader's language."""
    context = digest_context(digest, base_url)
    with i18n.use(locale):
        return _message(sender, to, digest_subject(digest), "digest", context)


def digest_text(digest: Digest, base_url: str | None) -> str:
    """The digest as the chat message's text (in the current locale)."""
    return f"{digest_subject(digest)}\n\n" + render(
        "mail/digest.txt", digest_context(digest, base_url)
    )
