from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_every_page_forbids_inline_script_and_style_and_framing():
    response = Client().get("/backoffice/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_templates_carry_no_inline_script_or_style(manager_client, school):
    for url in ("/backoffice/login/", f"/backoffice/{school.slug}/settings/", f"/backoffice/{school.slug}/inquiries/"):
        page = manager_client.get(url).content.decode()
        assert "<script>" not in page
        assert " style=" not in page
        assert "<style" not in page
        assert " onclick=" not in page


def test_the_policy_forbids_plugins_and_base_rewriting_and_pages_keep_their_address_to_themselves(db):
    response = Client().get("/backoffice/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in policy
    assert "base-uri 'none'" in policy
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_static_files_carry_the_same_headers(db):
    response = Client().get("/static/css/backoffice.css")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("method", ["TRACE", "CONNECT"])
def test_trace_and_connect_are_refused_everywhere(school, method):
    for path in ("/backoffice/login/", f"/fr/{school.slug}/contact/", f"/api/v1/schools/{school.slug}/inquiries"):
        response = Client().generic(method, path)
        assert response.status_code == 405, path
        assert "TRACE" not in response["Allow"]


@pytest.mark.parametrize(
    "path", ["/.git/config", "/.git/HEAD", "/manage.py", "/config/settings.py", "/static/", "/static/css/", "/.env"]
)
def test_source_files_and_directory_listings_are_not_served(db, path):
    assert Client().get(path).status_code == 404
