"""The delivery worker: claims due deliveries, posts them signed, records the outcome.

A batch is claimed with `SELECT ... FOR UPDATE SKIP LOCKED` and stays locked until its
outcomes are committed, so several workers (threads of one app, or `cdo-portfolio worker`
processes) never send one delivery at the same time. A worker that dies mid-batch
releases its locks with its connection and another worker sends the batch again: a
delivery is sent at least once, and exactly once when nothing crashes; receivers drop
repeats by `webhook-id`.
"""

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from schema import WebhookDelivery, WebhookEndpoint, WebhookEvent
from schema.webhook import ERROR_MAX, DeliveryStatus
from service.config import Settings
from service.webhooks import signing

log = logging.getLogger(__name__)

FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(hours=4)
JITTER = 0.25  # each delay is moved by up to a quarter either way
USER_AGENT = "cdo-portfolio-webhooks"

Clock = Callable[[], datetime]
_RECORDED = (
    "attempts",
    "last_attempt_at",
    "last_status_code",
    "last_error",
    "status",
    "next_attempt_at",
    "delivered_at",
    "failed_at",
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def retry_delay(attempts: int, draw: float) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s doubling up to 4 h, with
    `draw` (0..1) moving it by up to 25% either way."""
    base = min(FIRST_DELAY * 2 ** (attempts - 1), LONGEST_DELAY)
    return base * (1 - JITTER + 2 * JITTER * draw)


@dataclass(frozen=True)
class Claimed:
    """A delivery being sent, with what sending it needs."""

    id: int
    event_id: int
    attempts: int
    created_at: datetime
    url: str
    secret: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """The answer of one attempt: a status code, or the error that prevented one."""

    status_code: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _claim(now: datetime, limit: int) -> sa.Select[Any]:
    return (
        sa.select(
            col(WebhookDelivery.id),
            col(WebhookDelivery.event_id),
            col(WebhookDelivery.attempts),
            col(WebhookDelivery.created_at),
            col(WebhookEndpoint.url),
            col(WebhookEndpoint.secret),
            col(WebhookEvent.payload),
        )
        .join(WebhookEndpoint, col(WebhookEndpoint.id) == col(WebhookDelivery.endpoint_id))
        .join(WebhookEvent, col(WebhookEvent.id) == col(WebhookDelivery.event_id))
        .where(
            col(WebhookDelivery.status) == DeliveryStatus.pending,
            col(WebhookDelivery.next_attempt_at) <= now,
            col(WebhookEndpoint.active),
        )
        .order_by(col(WebhookDelivery.next_attempt_at), col(WebhookDelivery.id))
        .limit(limit)
        .with_for_update(of=WebhookDelivery, skip_locked=True)
    )


class DeliveryWorker:
    """Sends due deliveries until stopped; `clock` and `draw` make time and jitter testable."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        *,
        clock: Clock = utcnow,
        draw: Callable[[], float] = random.random,
        on_outcome: Callable[[str], None] | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.window = timedelta(hours=settings.webhook_retry_hours)
        self.batch_size = settings.webhook_batch_size
        self.poll_seconds = settings.webhook_poll_seconds
        self.timeout = settings.webhook_timeout_seconds
        self.client: httpx.AsyncClient | None = None
        self.clock = clock
        self.draw = draw
        self.on_outcome = on_outcome

    async def run_once(self) -> int:
        """Send one batch of due deliveries; how many were attempted."""
        async with self.sessionmaker() as session, session.begin():
            rows = (await session.execute(_claim(self.clock(), self.batch_size))).all()
            if not rows:
                return 0
            claimed = [Claimed(*row) for row in rows]
            client = self._http()
            outcomes = await asyncio.gather(*(self._send(client, c) for c in claimed))
            await self._record(session, list(zip(claimed, outcomes, strict=True)))
        return len(claimed)

    async def run(self, stop: asyncio.Event) -> None:
        """Send batches while there are due deliveries, then look again every poll
        interval, until `stop` is set (the batch in flight finishes first)."""
        try:
            while not stop.is_set():
                try:
                    sent = await self.run_once()
                except Exception:  # the database is away: keep the worker alive, try again
                    log.exception("webhook delivery batch failed")
                    sent = 0
                if sent:
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.poll_seconds)
        finally:
            await self.aclose()

    def _http(self) -> httpx.AsyncClient:
        """The worker's HTTP client, made once (its connections are reused between batches).
        Redirects are never followed: a 3xx is an answer like any other non-2xx."""
        if self.client is None:
            self.client = httpx.AsyncClient(
                timeout=self.timeout, follow_redirects=False, headers={"user-agent": USER_AGENT}
            )
        return self.client

    async def aclose(self) -> None:
        """Close the HTTP client's connections."""
        if self.client is not None:
            await self.client.aclose()
            self.client = None

    async def _send(self, client: httpx.AsyncClient, claimed: Claimed) -> Outcome:
        body = json.dumps(claimed.payload, separators=(",", ":"), ensure_ascii=False).encode()
        msg_id = signing.message_id(claimed.event_id)
        headers = signing.headers(claimed.secret, msg_id, int(self.clock().timestamp()), body)
        try:
            # Streamed and closed unread: the answer's body is never downloaded.
            async with client.stream(
                "POST", claimed.url, content=body, headers=headers, timeout=self.timeout
            ) as response:
                error = None
                if response.is_redirect:
                    error = f"redirect to {response.headers.get('location', '?')} not followed"
                return Outcome(response.status_code, error)
        except Exception as failed:  # whatever stops one attempt is that attempt's error
            return Outcome(None, f"{type(failed).__name__}: {failed}"[:ERROR_MAX])

    async def _record(self, session: AsyncSession, results: list[tuple[Claimed, Outcome]]) -> None:
        """Write every outcome of the batch in one executemany statement."""
        now = self.clock()
        after = [self._after(claimed, outcome, now) for claimed, outcome in results]
        table: Any = WebhookDelivery.__table__  # type: ignore[attr-defined]
        stmt = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("delivery_id"))
            .values({name: sa.bindparam(f"new_{name}") for name in _RECORDED})
        )
        params = [
            {"delivery_id": claimed.id} | {f"new_{k}": v for k, v in values.items()}
            for (claimed, _), (values, _) in zip(results, after, strict=True)
        ]
        await session.execute(stmt, params)
        if self.on_outcome is not None:
            for _, label in after:
                self.on_outcome(label)

    def _after(
        self, claimed: Claimed, outcome: Outcome, now: datetime
    ) -> tuple[dict[str, Any], str]:
        """The delivery's columns after this attempt, and its outcome label."""
        values: dict[str, Any] = {
            "attempts": claimed.attempts + 1,
            "last_attempt_at": now,
            "last_status_code": outcome.status_code,
            "last_error": outcome.error,
            "status": DeliveryStatus.pending.value,
            "next_attempt_at": None,
            "delivered_at": None,
            "failed_at": None,
        }
        if outcome.ok:
            values |= {"status": DeliveryStatus.delivered.value, "delivered_at": now}
            return values, "delivered"
        deadline = claimed.created_at + self.window
        if now >= deadline:
            values |= {"status": DeliveryStatus.failed.value, "failed_at": now}
            return values, "failed"
        values["next_attempt_at"] = min(
            now + retry_delay(claimed.attempts + 1, self.draw()), deadline
        )
        return values, "retry"


class Background:
    """A worker running as a task of the app's event loop, stopped with the app."""

    def __init__(self, worker: DeliveryWorker) -> None:
        self.stopping = asyncio.Event()
        self.grace = worker.timeout + 5
        self.task = asyncio.create_task(worker.run(self.stopping), name="webhook-worker")

    async def stop(self) -> None:
        """Let the batch in flight finish (up to the timeout and 5 s), then end."""
        self.stopping.set()
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(self.task, timeout=self.grace)


def in_background(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    on_outcome: Callable[[str], None] | None = None,
) -> Background | None:
    """Start the app's own worker, unless WEBHOOK_WORKER is false (separate processes)."""
    if not settings.webhook_worker:
        return None
    return Background(DeliveryWorker(sessionmaker, settings, on_outcome=on_outcome))
