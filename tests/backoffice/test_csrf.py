"""CSRF is enforced: a write to the back office without the form's token is refused, and changes nothing.

The test client skips CSRF checks unless asked; here it is asked, on every
back-office URL that takes a school, posting as a member of that school.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from msem.commercial_settings.selectors import commercial_settings_snapshot
from msem.inquiries.models import Inquiry
from tests.backoffice.test_tenant_isolation import SCHOOL_URLS, objects_of_school_b  # noqa: F401 (fixture)
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in_with_csrf_checks(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", sorted(SCHOOL_URLS))
def test_every_post_without_the_token_is_refused(name, other_school, other_manager, objects_of_school_b):  # noqa: F811
    client = signed_in_with_csrf_checks(other_manager)
    url = reverse(f"backoffice:{name}", kwargs={key: objects_of_school_b[key] for key in SCHOOL_URLS[name]})
    settings_before = commercial_settings_snapshot(school=other_school)
    inquiries_before = list(Inquiry.objects.for_school(other_school).values())

    response = client.post(url, {"action": "cancel", "version": objects_of_school_b["quote_version"]})

    assert response.status_code == 403
    assert commercial_settings_snapshot(school=other_school) == settings_before
    assert list(Inquiry.objects.for_school(other_school).values()) == inquiries_before


def test_the_same_post_with_the_token_goes_through(school, manager):
    client = signed_in_with_csrf_checks(manager)
    page = client.get(reverse("backoffice:inquiries", kwargs={"school_slug": school.slug}))
    token = page.cookies["csrftoken"].value

    response = client.post(reverse("backoffice:language"), {"language": "en", "csrfmiddlewaretoken": token})

    assert response.status_code in (200, 302)


def test_logging_in_needs_the_token_too(manager):
    response = Client(enforce_csrf_checks=True).post(
        reverse("backoffice:login"), {"username": manager.email, "password": PASSWORD}
    )
    assert response.status_code == 403
