"""With the database unreachable, the form answers 503 and never a thank-you page.

The application runs in its production server (gunicorn) as a separate
process, pointed at a PostgreSQL port where nothing listens.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.mailing.smtp_server import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_without_database(_collected_static_files):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://nobody@127.0.0.1:{free_port()}/msem",
        "SECRET_KEY": "test-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "MSEM_VAR_DIR": str(settings.VAR_DIR),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "config/gunicorn.py",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/static/css/public.css", timeout=2)
            break
        except OSError:  # refused, reset or timed out while gunicorn starts
            if time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"gunicorn did not start: {server.stderr.read().decode() if server.stderr else ''}")
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=10)


def fetch(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_form_and_its_submission_answer_503_in_the_clients_language(app_without_database):
    status, page = fetch(app_without_database + "/fr/demo/contact/")
    assert status == 503
    assert "Service momentanément indisponible" in page

    status, page = fetch(
        app_without_database + "/en/demo/contact/", data=b"first_name=Claire&last_name=Martin&message=Hello"
    )
    assert status == 503
    assert "Service temporarily unavailable" in page
    assert "Thank you" not in page


def test_with_a_session_cookie_too_the_pages_answer_503_not_500(app_without_database):
    """The session and its user are read by middlewares, before any view: a secretary's browser sends the cookie."""
    cookie = {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}
    for path in ("/fr/demo/contact/", "/backoffice/", "/backoffice/login/"):
        status, page = fetch(app_without_database + path, headers=cookie)
        assert status == 503, path
        assert "Service momentanément indisponible" in page, path


def test_the_api_answers_503_in_json(app_without_database):
    request = urllib.request.Request(
        app_without_database + "/api/v1/schools/demo/inquiries",
        data=b'{"language": "en"}',
        headers={"Content-Type": "application/json"},
    )
    try:
        urllib.request.urlopen(request, timeout=10)
        status, body = 200, ""
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    assert status == 503
    assert '"error"' in body


def test_the_health_endpoints_say_the_database_is_down(app_without_database):
    status, body = fetch(app_without_database + "/health/ready/")
    assert status == 503
    assert json.loads(body) == {"status": "failing", "database_ms": None}

    status, body = fetch(app_without_database + "/health/")
    assert status == 503
    assert json.loads(body)["database"] == {"ok": False, "ms": None}
