"""A real SMTP server (aiosmtpd) and a chat webhook receiver on 127.0.0.1, and mail settings."""

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from service.config import Settings
from tests.pages.conftest import sign_in  # noqa: F401  (a fixture of the page tests)

BASE_URL = "https://portfolio.example.com"
SENDER = "CDO portfolio <portfolio@example.com>"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    """One message as the server received it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None
        return str(body.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]


@dataclass
class MailHandler:
    """Keeps every message; refuses the recipients in `refused`."""

    received: list[Received] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


@pytest.fixture
def smtp() -> Iterator[tuple[MailHandler, int]]:
    """An SMTP server on 127.0.0.1 that keeps what it receives."""
    handler = MailHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def mail_settings(smtp: tuple[MailHandler, int]) -> Settings:
    return Settings(
        database_url=None,
        smtp_host="127.0.0.1",
        smtp_port=smtp[1],
        smtp_tls="none",
        mail_from=SENDER,
        public_base_url=BASE_URL,
        reminder_lead_days=5,
        digest_weekday="monday",
    )


class _ChatHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.server.posts.append(json.loads(self.rfile.read(length)))  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def chat() -> Iterator[tuple[list[dict[str, Any]], str]]:
    """An incoming-webhook receiver on 127.0.0.1: the JSON bodies posted, and its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ChatHandler)
    server.posts = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.posts, f"http://127.0.0.1:{server.server_address[1]}/hooks/digest"  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
