"""A real HTTP receiver on 127.0.0.1 that records what it is sent, and an independent
check of Standard Webhooks signatures (written from the spec, not from the service)."""

import base64
import hashlib
import hmac
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int | None = None  # None: the connection was dropped before an answer


@dataclass
class Receiver:
    """Answers each POST with the next of `answers` (then `default`); `hold` blocks
    answering until it is set, to keep a sender waiting."""

    url: str = ""
    answers: list[int] = field(default_factory=list)
    default: int = 200
    delay: float = 0.0
    location: str = "http://127.0.0.1:9/elsewhere"
    hold: threading.Event | None = None
    held: int = 0  # how many first requests wait for `hold` (0: all of them)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_answer(self) -> int:
        with self.lock:
            return self.answers.pop(0) if self.answers else self.default

    def answered(self, status: int) -> list[Received]:
        return [r for r in self.received if r.answered == status]

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"{len(self.received)} of {count} arrived"
            time.sleep(0.02)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            got = Received({k.lower(): v for k, v in self.headers.items()}, body)
            with receiver.lock:
                receiver.received.append(got)
                position = len(receiver.received)
            if receiver.hold is not None and (not receiver.held or position <= receiver.held):
                receiver.hold.wait()
            if receiver.delay:
                time.sleep(receiver.delay)
            status = receiver.next_answer()
            try:
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("location", receiver.location)
                body = b"" if status == 204 else b"ok"
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                got.answered = status
            except OSError:  # the sender is gone
                pass

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a listen backlog of 5 drops a batch's connections


@contextmanager
def receiving(**options: object) -> Iterator[Receiver]:
    """A receiver serving on a free port of 127.0.0.1 until the block ends."""
    receiver = Receiver(**options)  # type: ignore[arg-type]
    server = _Server(("127.0.0.1", 0), _handler(receiver))
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        if receiver.hold is not None:
            receiver.hold.set()
        server.shutdown()
        server.server_close()


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Standard Webhooks: some `v1,` signature in the header equals
    base64(HMAC-SHA256(base64decode(secret without `whsec_`), "{id}.{timestamp}.{body}"))."""
    key = base64.b64decode(secret.split("_", 1)[1])
    content = b".".join(
        [headers["webhook-id"].encode(), headers["webhook-timestamp"].encode(), body]
    )
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    given = [part.split(",", 1) for part in headers["webhook-signature"].split(" ")]
    return any(version == "v1" and hmac.compare_digest(value, expected) for version, value in given)
