"""The real worker (`manage.py db_worker`) as a separate process, killed with SIGKILL mid-send."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from msem.mailing.models import OutgoingEmail
from tests.inquiries.helpers import receive_inquiry
from tests.mailing.smtp_server import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    """The test database, as a worker process reaches it."""
    database = connection.settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(database['NAME']).resolve()}"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        f"/{database['NAME']}"
    )


def start_worker(smtp: SmtpServer | None, *, extra_env: dict[str, str] | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "test-only",
        "MSEM_OUTBOX_LEASE_SECONDS": "2",
        "MSEM_OUTBOX_RETRY_BASE_SECONDS": "1",
        "MSEM_4807_RETRY_BASE_SECONDS": "1",
        **({"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port)} if smtp else {}),
        **(extra_env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--queue-name", "*"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until(condition, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(message)


@pytest.fixture
def workers():
    started: list[subprocess.Popen] = []
    yield started
    for worker in started:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=10)


def test_the_worker_delivers_what_the_form_queued(school, smtp_server, workers):
    for number in range(3):
        receive_inquiry(school, email=f"client{number}@example.org")
    workers.append(start_worker(smtp_server))

    smtp_server.wait_for(6, timeout=30)

    wait_until(
        lambda: OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 6,
        timeout=10,
        message="the worker did not mark the e-mails sent",
    )


def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_more_than_twice(school, smtp_server, workers):
    for number in range(5):
        receive_inquiry(school, email=f"client{number}@example.org")
    smtp_server.handler.hold = threading.Event()
    first = start_worker(smtp_server)
    workers.append(first)
    # The server has the first message and has not answered yet: kill the worker now.
    wait_until(smtp_server.handler.holding.is_set, timeout=30, message="the worker never started sending")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    smtp_server.handler.hold.set()

    workers.append(start_worker(smtp_server))

    wait_until(
        lambda: OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 10,
        timeout=60,
        message="not every e-mail was delivered after the restart",
    )
    deliveries = Counter(item.message["Message-ID"] for item in smtp_server.received)
    expected = set(OutgoingEmail.objects.values_list("message_id", flat=True))
    assert set(deliveries) == expected
    assert max(deliveries.values()) <= 2
    # The interrupted attempt stays on record, without an outcome.
    interrupted = [e for e in OutgoingEmail.objects.all() if e.delivery_attempts.filter(outcome="").exists()]
    assert len(interrupted) == 1
