"""Sessions end when they should: a disabled account, a logout; and logging out is always at hand."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from msem.accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def logged_in(email: str) -> Client:
    client = Client()
    assert client.post("/backoffice/login/", {"email": email, "password": PASSWORD}).status_code == 302
    return client


def test_a_disabled_account_is_out_at_its_next_click(manager, school):
    client = logged_in(manager.email)
    url = reverse("backoffice:inquiries", kwargs={"school_slug": school.slug})
    assert client.get(url).status_code == 200

    manager.is_active = False
    manager.save()

    assert client.get(url)["Location"].startswith("/backoffice/login/")
    assert Client().post("/backoffice/login/", {"email": manager.email, "password": PASSWORD}).status_code == 200


def test_every_page_offers_to_log_out(manager_client, school):
    for name in ("inquiries", "settings", "dashboard", "emails", "catalogs", "personal_data", "quarantine"):
        page = manager_client.get(reverse(f"backoffice:{name}", kwargs={"school_slug": school.slug}))
        assert 'action="/backoffice/logout/"' in page.content.decode(), name
    assert 'action="/backoffice/logout/"' in manager_client.get(reverse("backoffice:password_change")).content.decode()


def test_logging_out_tells_the_browser_to_forget_what_it_kept(manager_client):
    response = manager_client.post(reverse("backoffice:logout"))

    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_an_administrator_logs_one_user_out_everywhere(manager, secretary, school):
    office, home, colleague = logged_in(manager.email), logged_in(manager.email), logged_in(secretary.email)
    administrator = User.objects.create_superuser(email="ops@msem.test", password="x", full_name="Ops", language="en")
    admin_client = Client()
    admin_client.force_login(administrator)

    response = admin_client.post(
        "/admin/accounts/user/", {"action": "end_sessions", "_selected_action": [manager.pk]}, follow=True
    )

    assert "2 sessions ended." in response.content.decode()
    url = reverse("backoffice:inquiries", kwargs={"school_slug": school.slug})
    for client in (office, home):
        assert client.get(url)["Location"].startswith("/backoffice/login/")
    assert colleague.get(url).status_code == 200
    assert admin_client.get("/admin/").status_code == 200


def test_everyone_can_be_logged_out_at_once(manager, secretary, school):
    clients = [logged_in(manager.email), logged_in(secretary.email)]
    output = StringIO()

    call_command("end_sessions", "--all", stdout=output)

    assert "2 sessions" in output.getvalue()
    url = reverse("backoffice:inquiries", kwargs={"school_slug": school.slug})
    assert all(client.get(url)["Location"].startswith("/backoffice/login/") for client in clients)
