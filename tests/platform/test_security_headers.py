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
