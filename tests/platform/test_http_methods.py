"""HEAD under a real WSGI server: no body leaves the application (msem/platform/http_methods.py).

Django's test client drops a HEAD's body itself, as runserver does; gunicorn drops it too, but
writes a WARNING line for each, and an uptime monitor asks `HEAD /health/` every minute.
"""

from __future__ import annotations

from wsgiref.util import setup_testing_defaults

import pytest
from django.core import signals
from django.db import close_old_connections

from config.wsgi import application

pytestmark = pytest.mark.django_db


def wsgi(method: str, path: str) -> tuple[str, dict[str, str], bytes]:
    environ: dict[str, object] = {"REQUEST_METHOD": method, "PATH_INFO": path, "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    answer: dict[str, object] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
        answer.update(status=status, headers=dict(headers))

    # As Django's test client: the request's signals must not close the test's database connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        chunks = application(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return str(answer["status"]), answer["headers"], body  # type: ignore[return-value]


def test_head_of_the_readiness_check_sends_no_body_but_gets_get_s_headers():
    get_status, get_headers, get_body = wsgi("GET", "/health/ready/")
    head_status, head_headers, head_body = wsgi("HEAD", "/health/ready/")

    assert get_body
    assert head_body == b""
    assert head_status == get_status
    assert head_headers["Content-Type"] == get_headers["Content-Type"]
    assert head_headers["Content-Length"] == str(len(get_body))


@pytest.mark.usefixtures("_collected_static_files")
def test_head_of_a_page_that_is_not_found_sends_no_body_either():
    status, _, body = wsgi("HEAD", "/fr/nowhere/contact/")
    assert status.startswith("404")
    assert body == b""
