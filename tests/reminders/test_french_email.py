"""Each email is written in its recipient's language: `account.locale`, English when unset."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from service.config import Settings
from service.reminders import service as reminders
from tests.factories import make_account, make_department, make_initiative, make_person, make_update
from tests.reminders.conftest import MailHandler, Received

REMINDER_DAY = date(2026, 12, 7)
# The digest's flags count from the database's current_date, as on the dashboard.
TODAY = date.today()
NBSP, NNBSP = "\u00a0", "\u202f"
CLIENT_FACING = {
    "orientation": "client_facing",
    "client_share": Decimal("1"),
    "budget_planned": Decimal("150.00"),
}
FRENCH_MONTHS = [
    *("janv.", "févr.", "mars", "avr.", "mai", "juin"),
    *("juil.", "août", "sept.", "oct.", "nov.", "déc."),
]


@pytest.fixture
async def owners(session: AsyncSession) -> None:
    """Two owners, one reading French and one with no preference, each with an initiative
    1,234 days past its check-in and one due on 10 Dec 2026; marketing's 300 client-facing
    against operations' 100 internal (75% client-facing); a CDO office reader per language."""
    mkt = await make_department(session, code="mkt", name="Marketing")
    ops = await make_department(session, code="ops", name="Operations")
    for n, (name, locale) in enumerate((("Amélie Roux", "fr"), ("Alan Reed", None)), start=5):
        person = await make_person(session, name=name, email=f"person.{n}@example.com")
        await make_account(
            session,
            role="contributor",
            email=f"owner{n}@example.com",
            person_id=person.id,
            locale=locale,
        )
        for code, last, fields in (
            (f"INI-{n}01", 1264, {"department_id": mkt.id, **CLIENT_FACING}),
            (f"INI-{n}02", 27, {"department_id": ops.id, "budget_planned": Decimal("50.00")}),
        ):
            initiative = await make_initiative(
                session, code=code, title=f"Work {code}", owner_id=person.id, **fields
            )
            await make_update(session, initiative, reported_on=REMINDER_DAY - timedelta(days=last))
    await make_account(session, role="cdo_office", email="cdo.fr@example.com", locale="fr")
    await make_account(session, role="cdo_office", email="cdo.en@example.com", locale="en")


def _to(handler: MailHandler, address: str) -> Received:
    [mail] = [m for m in handler.received if m.rcpt_tos == [address]]
    return mail


async def test_a_french_owner_gets_the_reminder_in_french_an_unset_one_in_english(
    session: AsyncSession, owners: None, smtp: tuple[MailHandler, int], mail_settings: Settings
) -> None:
    handler, _ = smtp
    report = await reminders.send_notifications(
        session, mail_settings, today=REMINDER_DAY, digest=False
    )
    assert report.reminders_sent == 2
    french = _to(handler, "owner5@example.com")
    assert french.message["Subject"] == f"Points d'avancement attendus{NBSP}: 2 initiatives"
    text = french.part("plain")
    assert text.startswith(
        "Bonjour Amélie Roux,\n\n"
        f"Ces 2 initiatives dont vous êtes responsable attendent un point d'avancement{NBSP}:\n\n"
        f"- INI-501 Work INI-501: en retard de 1{NNBSP}234 jours\n"
    )
    assert "- INI-502 Work INI-502: attendu le 10 déc. 2026\n" in text
    assert f"en retard de 1{NNBSP}234 jours</td>" in french.part("html")
    assert '<html lang="fr">' in french.part("html")
    english = _to(handler, "owner6@example.com")
    assert english.message["Subject"] == "Check-ins due: 2 initiatives"
    assert english.part("plain").startswith(
        "Hello Alan Reed,\n\n"
        "These 2 initiatives you own need a check-in:\n\n"
        "- INI-601 Work INI-601: overdue by 1,234 days\n"
    )
    assert '<html lang="en">' in english.part("html")


async def test_the_digest_goes_to_each_reader_in_their_language(
    session: AsyncSession, owners: None, smtp: tuple[MailHandler, int], mail_settings: Settings
) -> None:
    handler, _ = smtp
    report = await reminders.send_notifications(session, mail_settings, today=TODAY, digest=True)
    assert (report.digests_sent, report.failures) == (2, [])
    french = _to(handler, "cdo.fr@example.com")
    month = FRENCH_MONTHS[TODAY.month - 1]
    assert french.message["Subject"] == (
        f"Synthèse du portefeuille, semaine du {TODAY.day} {month} {TODAY.year}"
    )
    assert french.part("plain").startswith(
        f"Équilibre{NBSP}: le travail orienté client représente 75,0{NBSP}% du budget actif"
        f" (fourchette de 0,0{NBSP}% à 60,0{NBSP}%{NBSP}: hors de la fourchette),"
        " 4 initiatives actives.\n\n"
    )
    assert f"<strong>75,0{NBSP}%</strong>" in french.part("html")
    # The stale check-ins' sentences are built in the reader's language too.
    assert "- INI-501: No check-in on INI-501" not in french.part("plain")
    english = _to(handler, "cdo.en@example.com")
    assert english.message["Subject"] == f"Portfolio digest, week of {TODAY.day} {TODAY:%b %Y}"
    assert english.part("plain").startswith(
        "Balance: client-facing work is 75.0% of the active budget (band 0.0% to 60.0%:"
        " outside the band), 4 active initiatives.\n\n"
    )
    assert "- INI-501: No check-in on INI-501 Work INI-501 for" in english.part("plain")
