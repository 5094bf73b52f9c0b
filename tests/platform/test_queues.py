"""While 4807 hangs, a client's acknowledgement still leaves within seconds.

The workers `make run` starts (msem/platform/management/commands/serve.py) run
as real processes against the test database, a real SMTP server and the 4807
simulator told to hang. Sale pushes are queued first: each one holds its
worker for the read timeout (10 s), a run for up to its budget (50 s). The
acknowledgement of a contact-form submission made meanwhile must not wait
behind them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from msem.connector4807.models import SalePushAttempt
from msem.connector4807.simulator import Simulator, demo_establishment
from msem.platform.management.commands.serve import WORKERS
from tests.connector4807.test_connector import paid_sale
from tests.inquiries.helpers import receive_inquiry
from tests.mailing.test_worker_process import database_url, wait_until

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)

# What this test proves is that the acknowledgement does not queue behind 4807:
# it leaves while a push is still hung, sooner than one hung push lasts (the read
# timeout, 10 s; behind the pushes it took 29 s). How fast it leaves (goal: 2 s at
# p95) is bench/'s measure, not a timed test's; here it is printed.
ONE_HUNG_PUSH_SECONDS = 10
PUSHES = 3


@pytest.fixture
def hanging_4807():
    server = Simulator(establishments={"test-token": demo_establishment()}).start()
    server.inject(*["hang"] * PUSHES)
    yield server
    server.stop()


@pytest.fixture
def make_run_workers(smtp_server, hanging_4807):
    """Start the workers as `make run` does; returns their merged output, to see them start."""
    output = tempfile.NamedTemporaryFile(mode="w+", suffix=".log")  # noqa: SIM115 (closed below)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "test-only",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "MSEM_4807_URL": hanging_4807.url,
        "MSEM_4807_TOKEN": "test-token",
    }
    started: list[subprocess.Popen] = []

    def start() -> Path:
        for arguments in WORKERS.values():
            command = [sys.executable, "manage.py", *arguments]
            started.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT))
        return Path(output.name)

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=10)
    output.close()


def test_an_acknowledgement_does_not_wait_behind_a_hung_4807(school, manager, smtp_server, make_run_workers):
    for _ in range(PUSHES):
        paid_sale(school, manager)
    log = make_run_workers()
    wait_until(
        lambda: log.read_text().count("Starting worker") == len(WORKERS),
        timeout=30,
        message=f"the workers did not start: {log.read_text()[-2000:]}",
    )
    wait_until(SalePushAttempt.objects.exists, timeout=30, message="no worker took the sale pushes")
    time.sleep(1)  # db_worker waits up to 1 s before its first look at the queue (a thundering herd's guard)

    submitted = time.monotonic()
    receive_inquiry(school, email="acknowledged@example.org")
    wait_until(
        lambda: smtp_server.to("acknowledged@example.org"), timeout=120, message="the acknowledgement never left"
    )
    delay = time.monotonic() - submitted

    print(f"acknowledgement delivered {delay:.2f} s after the submission")
    assert delay < ONE_HUNG_PUSH_SECONDS, f"the acknowledgement took {delay:.1f} s"
    # Measured while a push still waited on 4807, not after the hang was over.
    assert SalePushAttempt.objects.filter(outcome="").exists()
