"""The delivery worker against a real HTTP receiver: signatures, retries, the retry window,
redirects, and several workers sending each delivery exactly once."""

import asyncio
import json
from datetime import timedelta

import pytest

from schema import WebhookEndpoint
from service.config import Settings
from service.webhooks.worker import Background, DeliveryWorker, retry_delay
from tests.webhooks.conftest import Clock, Maker, delivery, endpoint, queue_test_events
from tests.webhooks.receiver import receiving, verify

SETTINGS = Settings(database_url=None, webhook_poll_seconds=0.05, webhook_timeout_seconds=5)


def worker(maker: Maker, clock: Clock | None = None, **options: object) -> DeliveryWorker:
    settings = SETTINGS.model_copy(update=options)
    if clock is None:
        return DeliveryWorker(maker, settings, draw=lambda: 0.5)
    return DeliveryWorker(maker, settings, clock=clock, draw=lambda: 0.5)


async def due_clock(maker: Maker, delivery_id: int) -> Clock:
    """A clock standing at the moment the delivery became due."""
    found = await delivery(maker, delivery_id)
    assert found.next_attempt_at is not None
    return Clock(found.next_attempt_at)


def test_the_retry_schedule() -> None:
    assert [retry_delay(n, 0.5).total_seconds() for n in range(1, 12)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3840,
        7680,
        14400,
        14400,
    ]
    assert retry_delay(1, 0.0) == timedelta(seconds=22.5)
    assert retry_delay(1, 1.0) == timedelta(seconds=37.5)


async def test_a_delivery_is_signed_per_standard_webhooks(maker: Maker) -> None:
    with receiving() as receiver:
        endpoint_id, secret = await endpoint(maker, receiver.url)
        [delivery_id] = await queue_test_events(maker, endpoint_id)
        clock = await due_clock(maker, delivery_id)
        assert await worker(maker, clock).run_once() == 1
    [got] = receiver.received
    sent = await delivery(maker, delivery_id)
    assert verify(secret, got.headers, got.body)
    assert not verify(secret, got.headers, got.body + b" ")
    assert got.headers["webhook-id"] == f"msg_{sent.event_id}"
    assert got.headers["webhook-timestamp"] == str(int(clock.now.timestamp()))
    assert got.headers["content-type"] == "application/json"
    body = json.loads(got.body)
    assert (body["type"], body["data"]) == ("webhook.test", {"endpoint_id": endpoint_id})
    assert (sent.status, sent.attempts, sent.last_status_code, sent.delivered_at) == (
        "delivered",
        1,
        200,
        clock.now,
    )
    assert await worker(maker, clock).run_once() == 0  # nothing is sent twice


async def test_500s_are_retried_with_backoff_then_delivered(maker: Maker) -> None:
    with receiving(answers=[500, 500]) as receiver:
        endpoint_id, _ = await endpoint(maker, receiver.url)
        [delivery_id] = await queue_test_events(maker, endpoint_id)
        clock = await due_clock(maker, delivery_id)
        start = clock.now
        sender = worker(maker, clock)
        assert await sender.run_once() == 1
        after_one = await delivery(maker, delivery_id)
        assert (after_one.status, after_one.attempts, after_one.last_status_code) == (
            "pending",
            1,
            500,
        )
        assert after_one.next_attempt_at == start + timedelta(seconds=30)
        clock.now = start + timedelta(seconds=29)
        assert await sender.run_once() == 0  # not due yet
        clock.now = start + timedelta(seconds=30)
        assert await sender.run_once() == 1
        after_two = await delivery(maker, delivery_id)
        assert after_two.next_attempt_at == start + timedelta(seconds=90)
        clock.now = start + timedelta(seconds=90)
        assert await sender.run_once() == 1
    done = await delivery(maker, delivery_id)
    assert (done.status, done.attempts, done.last_status_code, done.delivered_at) == (
        "delivered",
        3,
        200,
        start + timedelta(seconds=90),
    )
    assert [r.answered for r in receiver.received] == [500, 500, 200]
    ids = {r.headers["webhook-id"] for r in receiver.received}
    assert len(ids) == 1  # the same message id on every attempt


async def test_a_delivery_fails_after_a_day_of_retries(maker: Maker) -> None:
    with receiving(default=503) as receiver:
        endpoint_id, _ = await endpoint(maker, receiver.url)
        [delivery_id] = await queue_test_events(maker, endpoint_id)
        start = (await delivery(maker, delivery_id)).created_at
        clock = await due_clock(maker, delivery_id)
        sender = worker(maker, clock)
        attempted_at = []
        while (state := await delivery(maker, delivery_id)).status == "pending":
            assert state.next_attempt_at is not None
            clock.now = state.next_attempt_at
            attempted_at.append(round((clock.now - start).total_seconds()))
            assert await sender.run_once() == 1
    failed = await delivery(maker, delivery_id)
    assert attempted_at == [
        0,
        30,
        90,
        210,
        450,
        930,
        1890,
        3810,
        7650,
        15330,
        29730,
        44130,
        58530,
        72930,
        86400,
    ]
    assert (failed.status, failed.attempts, failed.last_status_code) == ("failed", 15, 503)
    assert failed.failed_at == start + timedelta(hours=24)
    assert failed.next_attempt_at is None
    assert len(receiver.received) == 15


async def test_redirects_are_not_followed(maker: Maker) -> None:
    with receiving(answers=[302]) as receiver, receiving() as elsewhere:
        receiver.location = elsewhere.url
        endpoint_id, _ = await endpoint(maker, receiver.url)
        [delivery_id] = await queue_test_events(maker, endpoint_id)
        assert await worker(maker, await due_clock(maker, delivery_id)).run_once() == 1
    state = await delivery(maker, delivery_id)
    assert (state.status, state.last_status_code) == ("pending", 302)
    assert state.last_error == f"redirect to {elsewhere.url} not followed"
    assert (len(receiver.received), elsewhere.received) == (1, [])


async def test_a_slow_or_absent_receiver_is_an_error_and_a_retry(maker: Maker) -> None:
    with receiving(delay=2) as slow:
        endpoint_id, _ = await endpoint(maker, slow.url)
        [slow_delivery] = await queue_test_events(maker, endpoint_id)
        clock = await due_clock(maker, slow_delivery)
        assert await worker(maker, clock, webhook_timeout_seconds=0.3).run_once() == 1
    state = await delivery(maker, slow_delivery)
    assert (state.status, state.last_status_code) == ("pending", None)
    assert state.last_error is not None and state.last_error.startswith("ReadTimeout")


async def test_an_inactive_endpoint_is_not_sent_to(maker: Maker) -> None:
    with receiving() as receiver:
        endpoint_id, _ = await endpoint(maker, receiver.url)
        [delivery_id] = await queue_test_events(maker, endpoint_id)
        async with maker() as session, session.begin():
            row = await session.get(WebhookEndpoint, endpoint_id)
            assert row is not None
            row.active = False
        assert await worker(maker, await due_clock(maker, delivery_id)).run_once() == 0
    assert receiver.received == []
    assert (await delivery(maker, delivery_id)).status == "pending"


async def test_two_workers_send_each_delivery_exactly_once(maker: Maker) -> None:
    with receiving(delay=0.01) as receiver:
        endpoint_id, _ = await endpoint(maker, receiver.url)
        ids = await queue_test_events(maker, endpoint_id, count=40)
        clock = await due_clock(maker, ids[-1])
        outcomes: list[str] = []
        workers = [
            DeliveryWorker(
                maker,
                SETTINGS.model_copy(update={"webhook_batch_size": 4}),
                clock=clock,
                on_outcome=outcomes.append,
            )
            for _ in range(2)
        ]

        async def drain(sender: DeliveryWorker) -> int:
            total = 0
            while sent := await sender.run_once():
                total += sent
            return total

        counts = await asyncio.gather(*(drain(w) for w in workers))
    assert sum(counts) == 40 and min(counts) > 0  # both took part
    received = sorted(r.headers["webhook-id"] for r in receiver.received)
    assert len(received) == 40 and len(set(received)) == 40
    assert outcomes == ["delivered"] * 40
    for delivery_id in ids:
        state = await delivery(maker, delivery_id)
        assert (state.status, state.attempts) == ("delivered", 1)


async def test_the_background_worker_delivers_and_stops_cleanly(maker: Maker) -> None:
    with receiving() as receiver:
        endpoint_id, _ = await endpoint(maker, receiver.url)
        running = Background(worker(maker))
        [delivery_id] = await queue_test_events(maker, endpoint_id)
        for _ in range(200):
            if (await delivery(maker, delivery_id)).status == "delivered":
                break
            await asyncio.sleep(0.05)
        await running.stop()
    assert running.task.done() and not running.task.cancelled()
    assert (await delivery(maker, delivery_id)).status == "delivered"
    assert len(receiver.received) == 1


@pytest.mark.parametrize("answer", [200, 204, 299])
async def test_any_2xx_is_delivered(maker: Maker, answer: int) -> None:
    with receiving(default=answer) as receiver:
        endpoint_id, _ = await endpoint(maker, receiver.url)
        [delivery_id] = await queue_test_events(maker, endpoint_id)
        assert await worker(maker, await due_clock(maker, delivery_id)).run_once() == 1
    assert (await delivery(maker, delivery_id)).status == "delivered"


async def test_a_url_the_client_refuses_fails_that_delivery_only(maker: Maker) -> None:
    with receiving() as receiver:
        good_id, _ = await endpoint(maker, receiver.url)
        async with maker() as session, session.begin():
            # Stored before the API refused control characters in URLs.
            row = WebhookEndpoint(
                url="http://example.com/a\x01b", event_types=["x"], secret="whsec_" + "A" * 44
            )
            session.add(row)
            await session.flush()
            bad_id = row.id
        [bad] = await queue_test_events(maker, bad_id)
        [good] = await queue_test_events(maker, good_id)
        assert await worker(maker, await due_clock(maker, good)).run_once() == 2
    refused = await delivery(maker, bad)
    assert (refused.status, refused.attempts, refused.last_status_code) == ("pending", 1, None)
    assert refused.last_error is not None and refused.last_error.startswith("InvalidURL")
    assert (await delivery(maker, good)).status == "delivered"
