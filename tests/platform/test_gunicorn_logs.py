"""gunicorn's own lines come as the application's: one JSON object each, the time in UTC (config/gunicorn.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.mailing.smtp_server import free_port

ROOT = Path(__file__).resolve().parents[2]


def gunicorn_lines(*options: str, log_format: str = "json") -> list[str]:
    """What gunicorn writes from its start to its stop, its worker booted in between."""
    env = {
        **os.environ,
        "SECRET_KEY": "test-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "MSEM_VAR_DIR": str(settings.VAR_DIR),
        "LOG_FORMAT": log_format,
        "DEBUG": "false",
        # A machine set to the schools' time: the lines must still say UTC.
        "TZ": "Europe/Paris",
    }
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
    command += ["-b", f"127.0.0.1:{port}", "-w", "1", *options]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/public.css", timeout=2)
            break
        except OSError:  # refused, reset or timed out while gunicorn starts
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail(f"gunicorn did not start: {server.communicate()[1]}")
            time.sleep(0.2)
    server.terminate()
    _, written = server.communicate(timeout=15)
    return written.splitlines()


@pytest.mark.usefixtures("_collected_static_files")
def test_its_start_its_worker_and_its_stop_are_json_lines_in_utc():
    lines = gunicorn_lines("--log-level", "info")

    records = [json.loads(line) for line in lines]  # every line, or this fails with the one that is not
    assert all(record["time"].endswith("+00:00") for record in records)
    gunicorns = [record["message"] for record in records if record["logger"] == "gunicorn.error"]
    assert gunicorns[0].startswith("Starting gunicorn")
    assert any(message.startswith("Booting worker with pid") for message in gunicorns)
    assert any(message.startswith("Handling signal: term") for message in gunicorns)
    # Beside them, the application's line for the request that saw the server up.
    assert {record["logger"] for record in records} == {"gunicorn.error", "msem.request"}


@pytest.mark.usefixtures("_collected_static_files")
def test_its_log_level_still_chooses_what_it_writes():
    records = [json.loads(line) for line in gunicorn_lines("--log-level", "warning")]
    assert [record for record in records if record["logger"].startswith("gunicorn")] == []


@pytest.mark.usefixtures("_collected_static_files")
def test_a_developer_asking_for_plain_lines_gets_plain_lines():
    lines = gunicorn_lines("--log-level", "info", log_format="plain")
    assert lines
    assert " INFO gunicorn.error Starting gunicorn" in lines[0]
    assert not lines[0].startswith("{")
