"""Private pages are never kept in a cache (ASVS 14.3.2); static files still are."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.public_site.test_quote_and_pay_pages import pay_url, quote_url
from tests.quotes.helpers import payment_request, sent_quote

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_every_back_office_page_of_a_logged_in_user_is_no_store(manager_client, school):
    for name in ("inquiries", "settings", "dashboard", "personal_data"):
        response = manager_client.get(reverse(f"backoffice:{name}", kwargs={"school_slug": school.slug}))
        assert response.status_code == 200, name
        assert no_store(response), name
        assert "private" in response["Cache-Control"]


def test_the_login_page_and_the_admin_are_no_store(db):
    assert no_store(Client().get("/backoffice/login/"))
    assert no_store(Client().get("/admin/"))


def test_the_clients_quote_and_payment_pages_are_no_store(school, manager):
    quote = sent_quote(school, manager)
    request = payment_request(school, manager, quote)

    for url in (quote_url(quote), quote_url(quote, suffix="pdf"), pay_url(request)):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert no_store(response), url


def test_the_public_contact_form_is_left_to_the_defaults(school):
    # Anonymous and holding nothing private: left to Django's defaults.
    assert not no_store(Client().get(f"/fr/{school.slug}/contact/"))


def test_static_files_keep_their_caching_even_for_a_logged_in_user(manager_client):
    response = manager_client.get("/static/css/backoffice.css")

    assert response.status_code == 200
    assert not no_store(response)
    assert "max-age=" in response["Cache-Control"]
