"""A user of one school never reaches another school's back office: 404, never 403, never data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from msem.commercial_settings.selectors import commercial_settings_snapshot
from tests.html_forms import flatten, form_data

pytestmark = pytest.mark.django_db


def school_url_names() -> list[str]:
    """Every back-office URL that takes a school: a new page is covered as soon as it exists."""
    names = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "backoffice":
            for pattern in entry.url_patterns:
                if isinstance(pattern, URLPattern) and "school_slug" in pattern.pattern.regex.pattern:
                    names.append(pattern.name)
    return names


SCHOOL_URL_NAMES = school_url_names()


def test_the_walk_finds_the_settings_pages():
    assert {"settings", "settings_preview", "settings_catalog_code", "settings_history", "inquiries"} <= set(
        SCHOOL_URL_NAMES
    )


@pytest.mark.parametrize("name", SCHOOL_URL_NAMES)
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_a_manager_of_school_a_gets_404_on_every_url_of_school_b(name, method, manager, other_school):
    client = Client()
    client.force_login(manager)
    url = reverse(f"backoffice:{name}", kwargs={"school_slug": other_school.slug})
    before = commercial_settings_snapshot(school=other_school)

    response = getattr(client, method)(url)

    assert response.status_code == 404
    assert other_school.name not in response.content.decode()
    assert commercial_settings_snapshot(school=other_school) == before


def test_a_valid_settings_post_built_for_school_a_changes_nothing_at_school_b(manager_client, school, other_school):
    own_page = manager_client.get(reverse("backoffice:settings", kwargs={"school_slug": school.slug}))
    data = form_data(own_page.content.decode(), form_id="settings-form")
    data["subjects-0-label_fr"] = ["Piraté"]
    before = commercial_settings_snapshot(school=other_school)

    response = manager_client.post(
        reverse("backoffice:settings", kwargs={"school_slug": other_school.slug}), flatten(data)
    )

    assert response.status_code == 404
    assert commercial_settings_snapshot(school=other_school) == before


def test_an_unknown_school_is_a_404_too(manager_client):
    assert manager_client.get(reverse("backoffice:settings", kwargs={"school_slug": "nowhere"})).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(school):
    response = Client().get(reverse("backoffice:settings", kwargs={"school_slug": school.slug}))
    assert response.status_code == 302
    assert response["Location"].startswith("/backoffice/login/")
