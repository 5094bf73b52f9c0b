"""The worker and the scheduler wait a database outage out instead of stopping.

Started as real processes against a PostgreSQL address where nothing listens:
django-tasks-db's own worker, and a scheduler without a retry, stop at the
first query; then nothing is delivered until someone restarts them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.mailing.smtp_server import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "command",
    [
        ["db_worker", "--interval", "0.2", "--no-startup-delay", "--queue-name", "*"],
        ["schedule", "--interval", "0.2"],
    ],
    ids=["worker", "scheduler"],
)
def test_a_long_running_process_outlives_a_database_outage(command):
    env = {**os.environ, "DATABASE_URL": f"postgres://nobody@127.0.0.1:{free_port()}/msem", "SECRET_KEY": "test-only"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(4)
        assert process.poll() is None, process.communicate()[0].decode()[-2000:]
    finally:
        process.terminate()
        output = process.communicate(timeout=15)[0].decode()
    assert "database unavailable" in output
