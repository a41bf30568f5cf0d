"""Check-in reminders: who gets one, what it lists, the link, opt-outs, once a day."""

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Account, AuditEvent, NotificationPreference
from service.config import Settings
from service.reminders import service as reminders
from tests.factories import make_account, make_department, make_initiative, make_person, make_update
from tests.reminders.conftest import BASE_URL, SENDER, MailHandler

TODAY = date(2026, 12, 7)  # a Monday


async def _owner(session: AsyncSession, name: str, email: str, **account: Any) -> Any:
    person = await make_person(session, name=name, email=f"person.{email}")
    await make_account(session, role="contributor", email=email, person_id=person.id, **account)
    return person


@pytest.fixture
async def company(session: AsyncSession) -> dict[str, int]:
    """Owners with check-ins due, not yet due, overdue; an opted-out and a disabled owner."""
    it = await make_department(session, code="it", name="IT")
    ada = await _owner(session, "Ada Byron", "ada@example.com")
    bob = await _owner(session, "Bob Stone", "bob@example.com")
    cy = await _owner(session, "Cy Disabled", "cy@example.com", is_disabled=True)
    dee = await make_person(session, name="Dee No-Account", email="dee@example.com")
    made = {}
    for code, owner, status, last in [
        ("INI-101", ada, "in_progress", TODAY - timedelta(days=27)),  # due in 3 days
        ("INI-102", ada, "in_progress", TODAY - timedelta(days=67)),  # 37 days overdue
        ("INI-103", ada, "in_progress", TODAY - timedelta(days=6)),  # due in 24 days
        ("INI-104", ada, "on_hold", TODAY - timedelta(days=90)),  # not in progress
        ("INI-105", ada, "in_progress", TODAY - timedelta(days=30)),  # due today
        ("INI-201", bob, "in_progress", TODAY - timedelta(days=40)),
        ("INI-301", cy, "in_progress", TODAY - timedelta(days=40)),
        ("INI-401", dee, "in_progress", TODAY - timedelta(days=40)),
    ]:
        initiative = await make_initiative(
            session,
            code=code,
            title=f"Work {code}",
            status=status,
            department_id=it.id,
            owner_id=owner.id,
            start_date=date(2026, 1, 1),
        )
        await make_update(session, initiative, reported_on=last)
        made[code] = int(initiative.id)
    bob_account = await session.scalar(
        sa.select(Account.id).where(Account.email == "bob@example.com")
    )
    session.add(NotificationPreference(account_id=bob_account, reminders=False))
    await session.flush()
    return made


async def _sent(session: AsyncSession) -> list[tuple[str, str, date, int]]:
    rows = await session.execute(
        sa.text(
            "SELECT a.email, s.kind, s.sent_on, s.item_count FROM notification_sent s"
            " JOIN account a ON a.id = s.account_id ORDER BY a.email, s.kind"
        )
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_one_email_per_owner_lists_what_is_due_with_links(
    session: AsyncSession,
    company: dict[str, int],
    smtp: tuple[MailHandler, int],
    mail_settings: Settings,
) -> None:
    handler, _ = smtp
    report = await reminders.send_notifications(session, mail_settings, today=TODAY, digest=False)
    assert (report.reminders_sent, report.failures, report.server_error) == (1, [], None)
    [mail] = handler.received
    assert mail.rcpt_tos == ["ada@example.com"]
    assert mail.message["To"] == "ada@example.com"
    assert mail.message["From"] == SENDER
    assert mail.message["Subject"] == "Check-ins due: 3 initiatives"
    link = BASE_URL + "/initiatives/{}/checkins/new"
    text = mail.part("plain")
    assert text == (
        "Hello Ada Byron,\n\n"
        "These 3 initiatives you own need a check-in:\n\n"
        "- INI-102 Work INI-102: overdue by 37 days\n"
        f"  Check in: {link.format(company['INI-102'])}\n"
        "- INI-105 Work INI-105: due today\n"
        f"  Check in: {link.format(company['INI-105'])}\n"
        "- INI-101 Work INI-101: due 10 Dec 2026\n"
        f"  Check in: {link.format(company['INI-101'])}\n\n"
        "A check-in is due every 30 days; after that the initiative is flagged as stale on the"
        " CDO office's dashboard.\n"
        "It takes a minute: progress, health, spend, and what is next.\n\n"
        f"Stop these reminders: {BASE_URL}/notifications\n"
    )
    html = mail.part("html")
    for code in ("INI-101", "INI-102", "INI-105"):
        assert f'<a href="{link.format(company[code])}">Check in</a>' in html
    for code in ("INI-103", "INI-104", "INI-201", "INI-301", "INI-401"):
        assert code not in text and code not in html
    assert await _sent(session) == [("ada@example.com", "reminder", TODAY, 3)]
    audited = await session.scalar(
        sa.select(sa.func.count()).where(
            AuditEvent.entity_type == "notification_sent", AuditEvent.action == "send"
        )
    )
    assert audited == 1


async def test_a_second_run_the_same_day_sends_nothing_the_next_day_sends_again(
    session: AsyncSession,
    company: dict[str, int],
    smtp: tuple[MailHandler, int],
    mail_settings: Settings,
) -> None:
    handler, _ = smtp
    first = await reminders.send_notifications(session, mail_settings, today=TODAY, digest=False)
    again = await reminders.send_notifications(session, mail_settings, today=TODAY, digest=False)
    assert (first.reminders_sent, again.reminders_sent) == (1, 0)
    assert len(handler.received) == 1
    tomorrow = await reminders.send_notifications(
        session, mail_settings, today=TODAY + timedelta(days=1), digest=False
    )
    assert tomorrow.reminders_sent == 1
    assert len(handler.received) == 2


async def test_opting_in_again_brings_the_reminder_back(
    session: AsyncSession,
    company: dict[str, int],
    smtp: tuple[MailHandler, int],
    mail_settings: Settings,
) -> None:
    handler, _ = smtp
    await session.execute(sa.update(NotificationPreference).values(reminders=True))
    await reminders.send_notifications(session, mail_settings, today=TODAY, digest=False)
    assert sorted(m.rcpt_tos[0] for m in handler.received) == ["ada@example.com", "bob@example.com"]
    [bob] = [m for m in handler.received if m.rcpt_tos == ["bob@example.com"]]
    assert bob.message["Subject"] == "Check-in due: INI-201"


async def test_a_refused_recipient_does_not_stop_the_others_and_is_retried_later(
    session: AsyncSession,
    company: dict[str, int],
    smtp: tuple[MailHandler, int],
    mail_settings: Settings,
) -> None:
    handler, _ = smtp
    await session.execute(sa.update(NotificationPreference).values(reminders=True))
    handler.refused.add("ada@example.com")
    report = await reminders.send_notifications(session, mail_settings, today=TODAY, digest=False)
    assert report.reminders_sent == 1
    assert [(f.kind, f.recipient) for f in report.failures] == [("reminder", "ada@example.com")]
    assert report.failures[0].reason == "recipient refused: 550 5.1.1 No such mailbox"
    assert [m.rcpt_tos for m in handler.received] == [["bob@example.com"]]
    assert await _sent(session) == [("bob@example.com", "reminder", TODAY, 1)]
    handler.refused.clear()
    retry = await reminders.send_notifications(session, mail_settings, today=TODAY, digest=False)
    assert (retry.reminders_sent, retry.failures) == (1, [])
    assert handler.received[-1].rcpt_tos == ["ada@example.com"]


async def test_without_smtp_nothing_is_sent_and_the_report_says_so(
    session: AsyncSession, company: dict[str, int]
) -> None:
    report = await reminders.send_notifications(
        session, Settings(database_url=None), today=TODAY, digest=False
    )
    assert report.reminders_sent == 0
    assert report.notes == [
        "SMTP_HOST is not set: no email was sent (1 reminders and 0 digests would have gone)."
    ]
    assert await _sent(session) == []


async def test_smtp_without_a_public_address_is_refused_before_sending(
    session: AsyncSession, company: dict[str, int], mail_settings: Settings
) -> None:
    settings = mail_settings.model_copy(update={"public_base_url": None})
    with pytest.raises(reminders.NotConfigured) as refused:
        await reminders.send_notifications(session, settings, today=TODAY, digest=False)
    assert str(refused.value) == "SMTP_HOST is set but PUBLIC_BASE_URL is not: set it to send mail."


async def test_the_link_brings_a_signed_out_owner_to_the_form_after_signing_in(
    anon: httpx.AsyncClient, company: dict[str, int]
) -> None:
    path = f"/initiatives/{company['INI-102']}/checkins/new"
    response = await anon.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"
    login = await anon.get(response.headers["location"])
    assert f'name="next" value="{path}"' in login.text
