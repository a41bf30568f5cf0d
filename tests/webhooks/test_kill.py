"""The app is killed (SIGKILL) after a change committed and before its webhook was
delivered: a new worker process delivers the event, once."""

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from schema import WebhookDelivery
from service.actor import SYSTEM
from service.auth import accounts, tokens
from service.auth.payloads import AccountCreate
from service.config import Settings
from service.departments import service as departments_service
from service.departments.payloads import DepartmentCreate
from service.org import service as org_service
from service.org.payloads import PersonCreate
from service.webhooks.worker import DeliveryWorker
from tests.ops.serving import free_port, wait_ready
from tests.webhooks.conftest import Maker, endpoint
from tests.webhooks.receiver import Receiver, receiving, verify

COMMAND = [sys.executable, "-m", "service.cli"]


async def _company(maker: Maker) -> tuple[str, int, int]:
    """A CDO office token, a department and its person, committed."""
    n = random.randrange(10**9)
    async with maker() as session, session.begin():
        account = await accounts.create_account(
            session, SYSTEM, AccountCreate(email=f"cdo-{n}@example.com", role="cdo_office")
        )
        _, token = await tokens.create_token(session, SYSTEM, accounts.account_id(account))
        department = await departments_service.create_department(
            session, SYSTEM, DepartmentCreate(code=f"k{n}", name="Kill test")
        )
        assert department.id is not None
        person = await org_service.create_person(
            session,
            SYSTEM,
            PersonCreate(name="Owner", email=f"owner-{n}@example.com", department_id=department.id),
        )
        return token, department.id, int(person.id)  # type: ignore[arg-type]


def _environment(url: str, folder: Path) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": url,
        "WEBHOOK_WORKER": "true",
        "WEBHOOK_POLL_SECONDS": "0.1",
        "LOG_FORMAT": "json",
        "HOME": str(folder),
    }


def _write_then_kill(
    env: dict[str, str], folder: Path, receiver: Receiver, body: dict[str, Any]
) -> None:
    """Serve the app, create an initiative through it (committed: 201), and SIGKILL it
    while its worker waits for the receiver's answer."""
    port = free_port()
    log = folder / "serve.log"
    with log.open("wb") as out:
        app = subprocess.Popen(
            [*COMMAND, "serve", "--port", str(port)], env=env, stdout=out, stderr=out
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base, app, log)
            token = env["TEST_TOKEN"]
            created = httpx.post(
                f"{base}/api/v1/initiatives",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            assert created.status_code == 201, created.text
            receiver.wait_for(1)  # the app's worker is sending it, and waits for an answer
            app.send_signal(signal.SIGKILL)
            assert app.wait(timeout=30) == -signal.SIGKILL
        finally:
            if app.poll() is None:
                app.kill()
                app.wait()


def _worker_once(env: dict[str, str]) -> None:
    """`cdo-portfolio worker --once` as a process of its own."""
    done = subprocess.run([*COMMAND, "worker", "--once"], env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()


async def test_a_killed_app_loses_no_event_and_sends_it_once(
    maker: Maker, committed_url: str, tmp_path: Path
) -> None:
    hold = threading.Event()
    with receiving(hold=hold, held=1) as receiver:
        _, secret = await endpoint(maker, receiver.url, ["initiative.created"])
        token, department_id, person_id = await _company(maker)
        env = _environment(committed_url, tmp_path) | {"TEST_TOKEN": token}
        body = {
            "code": "INI-KILL",
            "title": "Survives a crash",
            "department_id": department_id,
            "owner_id": person_id,
            "orientation": "internal",
        }
        await asyncio.to_thread(_write_then_kill, env, tmp_path, receiver, body)
        hold.set()
        await asyncio.to_thread(_worker_once, env)
        assert await DeliveryWorker(maker, Settings(database_url=committed_url)).run_once() == 0
    cut, delivered = receiver.received  # and nothing after the delivery
    assert cut.headers["webhook-id"] == delivered.headers["webhook-id"]
    assert delivered.answered == 200
    assert verify(secret, delivered.headers, delivered.body)
    sent = json.loads(delivered.body)
    assert (sent["type"], sent["data"]["code"], sent["data"]["title"]) == (
        "initiative.created",
        "INI-KILL",
        "Survives a crash",
    )
    async with maker() as session:
        rows = (
            await session.execute(
                sa.select(WebhookDelivery.status, WebhookDelivery.attempts)  # type: ignore[call-overload]
            )
        ).all()
    # The attempt cut by the kill was never recorded: its transaction died with the app.
    assert [tuple(r) for r in rows] == [("delivered", 1)]


def _start_then_terminate(env: dict[str, str]) -> tuple[int, str]:
    """`cdo-portfolio worker` until it says it started, then SIGTERM (what `docker stop`
    sends): its exit status and what it printed."""
    with subprocess.Popen(
        [*COMMAND, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    ) as process:
        assert process.stdout is not None
        printed = ""
        for line in process.stdout:
            printed += line.decode()
            if "Webhook worker started." in printed:
                break
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=30)
        return process.returncode, printed + rest.decode()


async def test_the_worker_process_stops_cleanly_on_sigterm(
    maker: Maker, committed_url: str, tmp_path: Path
) -> None:
    status, printed = await asyncio.to_thread(
        _start_then_terminate, _environment(committed_url, tmp_path)
    )
    assert (status, printed.strip().splitlines()[-1]) == (0, "Stopped."), printed
