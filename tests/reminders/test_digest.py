"""The weekly digest: the CDO office's figures equal the dashboard's; email and chat."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from schema import NotificationPreference, PortfolioSnapshot
from service.actor import Actor, Role
from service.config import Settings
from service.pages.views import dashboard as dashboard_view
from service.reminders import digest as digests
from service.reminders import messages
from service.reminders import service as reminders
from tests.factories import make_account, make_department, make_initiative, make_person, make_update
from tests.reminders.conftest import BASE_URL, MailHandler

# The flags count from the database's current_date, as on the dashboard.
TODAY = date.today()
WEEKDAYS = reminders.WEEKDAYS

EXPECTED_COUNTS = {
    "PORTFOLIO_CLIENT_SKEW": 1,
    "DEPARTMENT_CLIENT_SKEW": 1,
    "MISSING_ENABLER": 1,
    "NO_KPI": 2,
    "STALE_UPDATE": 1,
}


@pytest.fixture
async def portfolio(session: AsyncSession) -> dict[str, Any]:
    """Marketing's shop (300, client-facing, never checked in for 100 days) and operations'
    internal tool (100): 75% client-facing against a 60% ceiling; one waiting proposal."""
    mkt = await make_department(session, code="mkt", name="Marketing")
    ops = await make_department(session, code="ops", name="Operations")
    cdo = await make_person(session, name="Sam Okafor", department_id=mkt.id)
    shop = await make_initiative(
        session,
        code="INI-001",
        title="Web shop",
        orientation="client_facing",
        client_share=Decimal("1"),
        department_id=mkt.id,
        owner_id=cdo.id,
        budget_planned=Decimal("300.00"),
        start_date=TODAY - timedelta(days=100),
    )
    tool = await make_initiative(
        session,
        code="INI-002",
        title="Stock tool",
        department_id=ops.id,
        owner_id=cdo.id,
        budget_planned=Decimal("100.00"),
    )
    await make_update(session, tool, reported_on=TODAY - timedelta(days=5))
    await make_initiative(
        session,
        code="INI-003",
        title="Chat pilot",
        status="proposed",
        orientation="client_facing",
        client_share=Decimal("1"),
        department_id=mkt.id,
        owner_id=cdo.id,
    )
    office = await make_account(session, role="cdo_office", email="cdo@example.com")
    cfo = await make_account(session, role="cdo_office", email="cfo@example.com")
    await make_account(session, role="cdo_office", email="gone@example.com", is_disabled=True)
    await make_account(session, role="viewer", email="viewer@example.com")
    session.add(NotificationPreference(account_id=cfo.id, digest=False))
    session.add_all(
        [
            PortfolioSnapshot(
                taken_on=TODAY - timedelta(days=9),
                flag_counts={"NO_KPI": 1, "STALE_UPDATE": 3},
            ),
            PortfolioSnapshot(
                taken_on=TODAY - timedelta(days=7),
                flag_counts={"NO_KPI": 2, "STALE_UPDATE": 0, "PORTFOLIO_CLIENT_SKEW": 1},
            ),
            PortfolioSnapshot(taken_on=TODAY - timedelta(days=3), flag_counts={"STALE_UPDATE": 5}),
        ]
    )
    await session.flush()
    return {"shop": int(shop.id), "office": int(office.id)}


async def test_the_digest_figures_equal_the_dashboard(
    session: AsyncSession, portfolio: dict[str, Any]
) -> None:
    actor = Actor(account_id=portfolio["office"], role=Role.cdo_office)
    board = await dashboard_view.dashboard(session, actor, weight="budget", currency="EUR")
    digest = await digests.build_digest(session, TODAY)
    assert digest.balance == board.balance
    assert digest.balance.client_share == Decimal("0.7500")
    assert (digest.balance.band_max, digest.balance.within_band) == (Decimal("0.6000"), False)
    assert {f.code: f.count for f in digest.flags} == {
        code: n for code, n in board.flag_counts.items() if n
    }
    assert {f.code: f.count for f in digest.flags} == EXPECTED_COUNTS
    assert digest.flag_total == 6
    assert digest.compared_to == TODAY - timedelta(days=7)
    changes = {f.code: f.change for f in digest.flags}
    assert changes == {
        "PORTFOLIO_CLIENT_SKEW": 0,
        "DEPARTMENT_CLIENT_SKEW": None,
        "MISSING_ENABLER": None,
        "NO_KPI": 0,
        "STALE_UPDATE": 1,
    }
    assert digest.new_flags == 1
    assert (digest.stale_count, [s.entity_code for s in digest.stale]) == (1, ["INI-001"])
    assert digest.pending_decisions == 1


async def test_the_cdo_office_gets_the_digest_by_email(
    session: AsyncSession,
    portfolio: dict[str, Any],
    smtp: tuple[MailHandler, int],
    mail_settings: Settings,
) -> None:
    handler, _ = smtp
    report = await reminders.send_notifications(session, mail_settings, today=TODAY, digest=True)
    assert (report.digests_sent, report.failures) == (1, [])
    [mail] = [m for m in handler.received if m.message["Subject"].startswith("Portfolio digest")]
    assert mail.rcpt_tos == ["cdo@example.com"]
    assert mail.message["Subject"] == f"Portfolio digest, week of {TODAY.day} {TODAY:%b %Y}"
    week_ago = TODAY - timedelta(days=7)
    assert mail.part("plain") == (
        "Balance: client-facing work is 75.0% of the active budget (band 0.0% to 60.0%: outside"
        " the band), 2 active initiatives.\n\n"
        f"Flags: 6 raised, 1 more than on {week_ago.day} {week_ago:%b %Y}.\n"
        "- MISSING_ENABLER: 1\n"
        "- PORTFOLIO_CLIENT_SKEW: 1 (+0)\n"
        "- DEPARTMENT_CLIENT_SKEW: 1\n"
        "- NO_KPI: 2 (+0)\n"
        "- STALE_UPDATE: 1 (+1)\n\n"
        "Stale check-ins: 1\n"
        "- INI-001: No check-in on INI-001 Web shop since it started 100 days ago (limit: 30).\n\n"
        f"Decisions waiting: 1 ({BASE_URL}/decisions)\n\n"
        f"Dashboard: {BASE_URL}/\n"
        f"Stop this digest: {BASE_URL}/notifications\n"
    )
    html = mail.part("html")
    assert "<strong>75.0%</strong>" in html
    assert f'<a href="{BASE_URL}/initiatives/{portfolio["shop"]}">INI-001</a>' in html
    assert "<h2>Decisions waiting: 1</h2>" in html
    again = await reminders.send_notifications(session, mail_settings, today=TODAY, digest=True)
    assert again.digests_sent == 0
    assert sum(m.message["Subject"].startswith("Portfolio digest") for m in handler.received) == 1


async def test_the_digest_goes_on_its_weekday_only(
    session: AsyncSession,
    portfolio: dict[str, Any],
    smtp: tuple[MailHandler, int],
    mail_settings: Settings,
) -> None:
    other_day = WEEKDAYS[(TODAY.weekday() + 1) % 7]
    off = mail_settings.model_copy(update={"digest_weekday": other_day})
    report = await reminders.send_notifications(session, off, today=TODAY)
    assert (report.digest_day, report.digests_sent) == (False, 0)
    on = mail_settings.model_copy(update={"digest_weekday": WEEKDAYS[TODAY.weekday()]})
    report = await reminders.send_notifications(session, on, today=TODAY)
    assert (report.digest_day, report.digests_sent) == (True, 1)


async def test_the_chat_webhook_receives_the_digest_once_a_day(
    session: AsyncSession,
    portfolio: dict[str, Any],
    chat: tuple[list[dict[str, Any]], str],
) -> None:
    posts, url = chat
    settings = Settings(database_url=None, digest_webhook_url=url, public_base_url=BASE_URL)
    report = await reminders.send_notifications(session, settings, today=TODAY, digest=True)
    assert (report.chat_posted, report.failures) == (True, [])
    digest = await digests.build_digest(session, TODAY)
    assert posts == [{"text": messages.digest_text(digest, BASE_URL)}]
    assert posts[0]["text"].startswith(
        f"Portfolio digest, week of {TODAY.day} {TODAY:%b %Y}\n\n"
        "Balance: client-facing work is 75.0%"
    )
    again = await reminders.send_notifications(session, settings, today=TODAY, digest=True)
    assert again.chat_posted is False
    assert len(posts) == 1
    sent = await session.scalar(
        sa.text("SELECT count(*) FROM notification_sent WHERE account_id IS NULL")
    )
    assert sent == 1


async def test_a_chat_webhook_that_fails_is_reported_and_tried_again(
    session: AsyncSession, portfolio: dict[str, Any]
) -> None:
    from tests.reminders.conftest import free_port

    url = f"http://127.0.0.1:{free_port()}/hooks/digest"
    settings = Settings(database_url=None, digest_webhook_url=url)
    report = await reminders.send_notifications(session, settings, today=TODAY, digest=True)
    assert report.chat_posted is False
    assert [(f.kind, f.recipient, f.reason) for f in report.failures] == [
        ("digest", "chat webhook", "the chat webhook could not be reached (ConnectError)")
    ]
    sent = await session.scalar(sa.text("SELECT count(*) FROM notification_sent"))
    assert sent == 0
