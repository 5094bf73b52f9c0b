"""The back office's menu, drawn once per process for each school, language, page and role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.html_forms import page_text

pytestmark = pytest.mark.django_db


def sidebar(response) -> str:
    html = page_text(response)
    return html[html.index('<nav class="sidebar"') : html.index("</nav>", html.index('<nav class="sidebar"'))]


def test_each_role_page_and_language_gets_its_own_menu(
    manager_client, secretary_client, secretary, school, other_school
):
    inbox = reverse("backoffice:inquiries", kwargs={"school_slug": school.slug})
    settings_page = reverse("backoffice:settings", kwargs={"school_slug": school.slug})
    personal_data = reverse("backoffice:personal_data", kwargs={"school_slug": school.slug})

    for _ in range(2):  # the second time from the cache
        managers = sidebar(manager_client.get(inbox))
        secretaries = sidebar(secretary_client.get(inbox))
        assert f'href="{personal_data}"' in managers
        assert f'href="{personal_data}"' not in secretaries
        assert f'href="{inbox}" aria-current="page"' in secretaries
        assert f'href="{settings_page}" aria-current="page"' in sidebar(secretary_client.get(settings_page))
        assert "GESTION COMMERCIALE" in secretaries

    secretary.language = "en"
    secretary.save(update_fields=["language"])
    english = sidebar(secretary_client.get(inbox))
    assert "COMMERCIAL MANAGEMENT" in english
    assert "GESTION COMMERCIALE" not in english
    assert f"/backoffice/{other_school.slug}/" not in english
