"""Send today's check-in reminders and, on the digest day, the CDO office's digest.

Each notification is claimed (a `notification_sent` row, unique per account, kind and day)
in the same savepoint as its audit event, sent, then committed; a failed send rolls the
claim back, so a later run that day tries again. A second run, or one running at the same
time, finds the claim and sends nothing.
"""

from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from schema.notification import NotificationKind
from service import audit, i18n
from service.actor import SYSTEM
from service.config import Settings
from service.portfolio import service as portfolio
from service.reminders import chat, due, messages
from service.reminders.digest import Digest, build_digest
from service.reminders.mailer import Mailer, MailServerUnavailable, MessageRefused

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

CLAIM = """
INSERT INTO notification_sent (account_id, kind, sent_on, item_count)
VALUES (:account_id, :kind, :sent_on, :item_count)
ON CONFLICT DO NOTHING
RETURNING id"""


class NotConfigured(ValueError):
    """A setting mail needs is missing."""


@dataclass(frozen=True)
class Failure:
    kind: str
    recipient: str
    reason: str


@dataclass
class SendReport:
    """What a run did: counts sent, what it could not send and why, and notes."""

    today: date
    digest_day: bool
    reminders_sent: int = 0
    digests_sent: int = 0
    chat_posted: bool = False
    failures: list[Failure] = field(default_factory=list)
    # Set when the SMTP server could not be reached: no further email went out.
    server_error: str | None = None
    notes: list[str] = field(default_factory=list)


def is_digest_day(settings: Settings, today: date) -> bool:
    return WEEKDAYS[today.weekday()] == settings.digest_weekday


def _check_mail_settings(settings: Settings) -> None:
    missing = [name for name in ("mail_from", "public_base_url") if not getattr(settings, name)]
    if missing:
        names = " and ".join(name.upper() for name in missing)
        raise NotConfigured(f"SMTP_HOST is set but {names} is not: set it to send mail.")


async def _claim(
    session: AsyncSession, account_id: int | None, kind: NotificationKind, today: date, items: int
) -> int | None:
    """Record the notification as sent today; None when it already was."""
    params = {"account_id": account_id, "kind": kind.value, "sent_on": today, "item_count": items}
    claimed = (await session.execute(text(CLAIM), params)).scalar_one_or_none()
    if claimed is not None:
        after = {"account_id": account_id, "kind": kind.value, "sent_on": today, "items": items}
        await audit.record(session, SYSTEM, "send", "notification_sent", claimed, after=after)
    return claimed


async def _send_mail(
    session: AsyncSession,
    mailer: Mailer,
    report: SendReport,
    kind: NotificationKind,
    account_id: int,
    message: EmailMessage,
    items: int,
) -> bool:
    """Claim, send and commit one email; a refused message is reported and not claimed."""
    try:
        async with session.begin_nested():
            if await _claim(session, account_id, kind, report.today, items) is None:
                return False
            await mailer.send(message)
    except MessageRefused as refused:
        report.failures.append(Failure(kind.value, str(message["To"]), str(refused)))
        return False
    finally:
        await session.commit()
    return True


async def _send_reminders(
    session: AsyncSession, settings: Settings, mailer: Mailer, report: SendReport
) -> None:
    stale_after = (await portfolio.get_settings(session)).stale_after_days
    owners = await due.due_reminders(session, report.today, settings.reminder_lead_days)
    for owner in owners:
        message = messages.reminder_message(
            owner,
            sender=settings.mail_from or "",
            base_url=settings.public_base_url or "",
            today=report.today,
            stale_after_days=stale_after,
        )
        kind, items = NotificationKind.reminder, len(owner.initiatives)
        if await _send_mail(session, mailer, report, kind, owner.account_id, message, items):
            report.reminders_sent += 1


async def _digest_in(
    session: AsyncSession, today: date, locale: str | None, built: dict[str, Digest]
) -> Digest:
    """The digest with its flag sentences in `locale`, built once per language."""
    with i18n.use(locale) as spoken:
        if spoken not in built:
            built[spoken] = await build_digest(session, today)
        return built[spoken]


async def _send_digests(
    session: AsyncSession, settings: Settings, mailer: Mailer, report: SendReport, digest: Digest
) -> None:
    built = {i18n.current(): digest}
    for reader in await due.digest_readers(session, report.today):
        message = messages.digest_message(
            await _digest_in(session, report.today, reader.locale, built),
            sender=settings.mail_from or "",
            to=reader.email,
            locale=reader.locale,
            base_url=settings.public_base_url or "",
        )
        kind, items = NotificationKind.digest, digest.flag_total
        if await _send_mail(session, mailer, report, kind, reader.account_id, message, items):
            report.digests_sent += 1


async def _post_chat(
    session: AsyncSession, url: str, settings: Settings, report: SendReport, digest: Digest
) -> None:
    """Post the digest to the chat webhook, once a day."""
    try:
        async with session.begin_nested():
            kind = NotificationKind.digest
            if await _claim(session, None, kind, report.today, digest.flag_total) is None:
                return
            await chat.post_text(url, messages.digest_text(digest, settings.public_base_url))
    except chat.ChatPostFailed as failed:
        report.failures.append(Failure("digest", "chat webhook", str(failed)))
        return
    finally:
        await session.commit()
    report.chat_posted = True


async def send_notifications(
    session: AsyncSession, settings: Settings, *, today: date, digest: bool | None = None
) -> SendReport:
    """Send today's reminders, and the digest on its weekday (or when `digest` is True).

    When the SMTP server cannot be reached, `server_error` says so: what was sent before
    stays recorded, nothing else goes out by email (a later run sends it).
    """
    digest_day = is_digest_day(settings, today) if digest is None else digest
    report = SendReport(today=today, digest_day=digest_day)
    summary = await build_digest(session, today) if report.digest_day else None
    if summary is not None and settings.digest_webhook_url:
        await _post_chat(session, settings.digest_webhook_url, settings, report, summary)
    if not settings.smtp_host:
        owners = await due.due_reminders(session, today, settings.reminder_lead_days)
        readers = await due.digest_readers(session, today) if summary is not None else []
        report.notes.append(
            f"SMTP_HOST is not set: no email was sent ({len(owners)} reminders and"
            f" {len(readers)} digests would have gone)."
        )
        return report
    _check_mail_settings(settings)
    try:
        async with Mailer(settings) as mailer:
            await _send_reminders(session, settings, mailer, report)
            if summary is not None:
                await _send_digests(session, settings, mailer, report, summary)
    except MailServerUnavailable as down:
        report.server_error = str(down)
    return report


__all__ = ["NotConfigured", "SendReport", "send_notifications"]
