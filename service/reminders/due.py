"""Who gets mail today: owners with check-ins coming due, and the digest's readers.

A check-in is due `stale_after_days` after the initiative's last activity (the day the
STALE_UPDATE flag counts from, one definition in service/portfolio/flag_branches.py): the
flag is raised the day after. An owner is reminded from `lead_days` before that day on,
and every day it stays overdue, once a day at most.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from schema.notification import NotificationKind
from service.portfolio import service as portfolio
from service.portfolio.flag_branches import LAST_ACTIVITY

# Accounts that still receive `kind` today: enabled, not opted out, not yet sent.
_RECEIVES = """
NOT a.is_disabled
AND coalesce(np.{column}, true)
AND NOT EXISTS (
    SELECT 1 FROM notification_sent s
    WHERE s.account_id = a.id AND s.kind = '{kind}' AND s.sent_on = CAST(:today AS date)
)"""

DUE_SQL = f"""
SELECT a.id AS account_id, a.email, a.locale, p.name AS owner_name,
       i.id AS initiative_id, i.code, i.title,
       {LAST_ACTIVITY} + CAST(:stale_after_days AS integer) AS due_on
FROM initiative i
JOIN person p ON p.id = i.owner_id AND p.is_active
JOIN account a ON a.person_id = p.id
LEFT JOIN notification_preference np ON np.account_id = a.id
WHERE i.status = 'in_progress'
  AND {LAST_ACTIVITY} + CAST(:stale_after_days AS integer)
      <= CAST(:today AS date) + CAST(:lead_days AS integer)
  AND {_RECEIVES.format(column="reminders", kind=NotificationKind.reminder.value)}
ORDER BY a.id, due_on, i.code"""

DIGEST_READERS_SQL = f"""
SELECT a.id AS account_id, a.email, a.locale
FROM account a
LEFT JOIN notification_preference np ON np.account_id = a.id
WHERE a.role = 'cdo_office'
  AND {_RECEIVES.format(column="digest", kind=NotificationKind.digest.value)}
ORDER BY a.id"""


@dataclass(frozen=True)
class DueInitiative:
    id: int
    code: str
    title: str
    due_on: date

    def overdue_days(self, today: date) -> int:
        """Days since the check-in fell due (0 or less: not yet stale)."""
        return (today - self.due_on).days


@dataclass
class Reminder:
    """One owner's email: every initiative of theirs coming due, soonest first."""

    account_id: int
    email: str
    owner_name: str
    locale: str | None  # the language the email is written in (None: English)
    initiatives: list[DueInitiative] = field(default_factory=list)


@dataclass(frozen=True)
class Reader:
    account_id: int
    email: str
    locale: str | None


async def due_reminders(session: AsyncSession, today: date, lead_days: int) -> list[Reminder]:
    """The owners to remind today, each with their initiatives due (one statement)."""
    setting = await portfolio.get_settings(session)
    params = {"today": today, "lead_days": lead_days, "stale_after_days": setting.stale_after_days}
    reminders: dict[int, Reminder] = {}
    for row in await session.execute(text(DUE_SQL), params):
        reminder = reminders.setdefault(
            row.account_id, Reminder(row.account_id, row.email, row.owner_name, row.locale)
        )
        item = DueInitiative(row.initiative_id, row.code, row.title, row.due_on)
        reminder.initiatives.append(item)
    return list(reminders.values())


async def digest_readers(session: AsyncSession, today: date) -> list[Reader]:
    """The CDO office accounts that receive today's digest and have not yet."""
    rows = await session.execute(text(DIGEST_READERS_SQL), {"today": today})
    return [Reader(row.account_id, row.email, row.locale) for row in rows]
