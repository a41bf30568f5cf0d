"""Sending mail over SMTP (aiosmtplib): one connection for a run, opened on the first mail."""

from email.message import EmailMessage
from types import TracebackType

import aiosmtplib

from service.config import Settings

TIMEOUT_SECONDS = 30.0


class MailServerUnavailable(Exception):
    """The SMTP server cannot be reached or refuses the login: no mail can go out."""


class MessageRefused(Exception):
    """The server refused one message (e.g. an unknown recipient); the others may go."""


def where(settings: Settings) -> str:
    return f"{settings.smtp_host}:{settings.smtp_port}"


class Mailer:
    """Sends messages through the configured server; reconnects once if it hangs up."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: aiosmtplib.SMTP | None = None

    async def __aenter__(self) -> "Mailer":
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._client is not None and self._client.is_connected:
            try:
                await self._client.quit()
            except (aiosmtplib.SMTPException, OSError):
                self._client.close()
        self._client = None

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            use_tls=s.smtp_tls == "tls",
            start_tls=s.smtp_tls == "starttls",
            timeout=TIMEOUT_SECONDS,
        )
        try:
            await client.connect()
        except aiosmtplib.SMTPAuthenticationError as refused:
            raise MailServerUnavailable(
                f"The SMTP server {where(s)} refused the login of {s.smtp_username!r}"
                f" ({refused.code} {refused.message})."
            ) from None
        except (aiosmtplib.SMTPException, OSError) as failed:
            raise MailServerUnavailable(
                f"Cannot reach the SMTP server {where(s)}: {failed}"
            ) from None
        return client

    async def send(self, message: EmailMessage) -> None:
        """Send one message; MessageRefused for this message, MailServerUnavailable for all."""
        if self._client is None or not self._client.is_connected:
            self._client = await self._connect()
        try:
            await self._client.send_message(message)
        except aiosmtplib.SMTPRecipientsRefused as refused:
            reasons = "; ".join(f"{r.code} {r.message}" for r in refused.recipients)
            raise MessageRefused(f"recipient refused: {reasons}") from None
        except aiosmtplib.SMTPResponseException as refused:
            raise MessageRefused(f"{refused.code} {refused.message}") from None
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError) as lost:
            self._client = None
            raise MessageRefused(
                f"the connection to {where(self.settings)} was lost: {lost}"
            ) from None
