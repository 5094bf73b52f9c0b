"""In a browser, on a phone and on a computer: from dossier to dossier through her filtered list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from msem.accounts.models import User
from msem.inquiries.models import Inquiry
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.inquiries.helpers import receive_inquiry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "fr": {"next": "Dossier suivant", "previous": "Dossier précédent", "requests": "Demandes"},
    "en": {"next": "Next dossier", "previous": "Previous dossier", "requests": "Requests"},
}


@pytest.mark.parametrize(
    "screen", [("fr", 390), ("en", 390), ("fr", 1280), ("en", 1280)], ids=lambda screen: f"{screen[0]}-{screen[1]}"
)
def test_next_dossier_walks_her_filtered_list_and_stops_at_its_end(page, school, secretary, screen, screenshot):
    language, width = screen
    words = WORDS[language]
    new = []
    for minutes, (first, last) in enumerate([("Paul", "Lambert"), ("Inès", "Moreau-Delacroix"), ("Tom", "Baker")]):
        inquiry = receive_inquiry(school, first_name=first, last_name=last)
        Inquiry.objects.filter(pk=inquiry.pk).update(received_at=timezone.now() - timedelta(minutes=10 * minutes))
        new.append(inquiry)
        # A dossier already in progress between two new ones: not in her list, never her next one.
        between = receive_inquiry(school, last_name=f"EnCours{minutes}")
        Inquiry.objects.filter(pk=between.pk).update(
            status="in_progress", received_at=timezone.now() - timedelta(minutes=10 * minutes + 5)
        )
    User.objects.filter(pk=secretary.pk).update(language=language)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, secretary.email, PASSWORD)

    page.goto(f"/backoffice/{school.slug}/inquiries/?f=1&status=new")
    page.locator(f'a[href*="/inquiries/{new[0].reference}/"]').first.click()
    page.wait_for_url(f"**/inquiries/{new[0].reference}/?back=*")
    expect(page.get_by_role("link", name=words["previous"])).to_have_count(0)

    following = page.get_by_role("link", name=f"{words['next']} {new[1].reference}")
    expect(following).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"next-dossier-{language}-{width}-first", full_page=False)
    following.click()
    page.wait_for_url(f"**/inquiries/{new[1].reference}/?back=*")
    expect(page.get_by_role("heading", level=1)).to_contain_text(new[1].reference)
    expect(page.get_by_role("link", name=f"{words['previous']} {new[0].reference}")).to_be_visible()
    expect(page.get_by_role("link", name=f"{words['next']} {new[2].reference}")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"next-dossier-{language}-{width}-middle", full_page=False)

    page.get_by_role("link", name=f"{words['next']} {new[2].reference}").click()
    page.wait_for_url(f"**/inquiries/{new[2].reference}/?back=*")
    expect(page.get_by_role("link", name=f"{words['previous']} {new[1].reference}")).to_be_visible()
    expect(page.get_by_role("link", name=words["next"])).to_have_count(0)  # the last of her list
    screenshot(page, f"next-dossier-{language}-{width}-last", full_page=False)

    # "Requests" returns to her list, the new ones only.
    page.locator(".eyebrow").get_by_role("link", name=words["requests"]).click()
    page.wait_for_url("**/inquiries/?*status=new*")
    expect(page.locator(f'a[href*="/inquiries/{new[2].reference}/"]').first).to_be_visible()
