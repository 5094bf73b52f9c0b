"""A manager, in a real browser: a client's data found from the dossier and erased; a held request let in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from msem.inquiries.models import Inquiry
from msem.inquiries.quarantine import quarantine_put
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.inquiries.helpers import intake_data, receive_inquiry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_the_dossier_to_the_erasure(page, school, manager, screenshot):
    inquiry = receive_inquiry(school, first_name="Claire", email="claire.martin@example.org")
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/")

    page.get_by_role("button", name="Données personnelles de ce client").click()
    expect(page.get_by_role("heading", name="Ce que l’école détient")).to_be_visible()
    expect(page.locator(".summary-list")).to_contain_text("1 dossier")
    screenshot(page, "personal-data-fr")

    page.get_by_role("button", name="Effacer les données de ce client").click()
    expect(page.locator("#confirm-error")).to_contain_text("Cochez la case")
    page.get_by_label("Je confirme").check()
    page.get_by_role("button", name="Effacer les données de ce client").click()
    expect(page.locator(".alert-success")).to_contain_text("Effacé\u00a0: 1 dossier, ")
    assert Inquiry.objects.get(pk=inquiry.pk).personal_data_erased_at is not None


def test_a_held_request_let_in(page, school, manager, screenshot):
    quarantine_put(school=school, data=intake_data(school, first_name="Jeanne"), reason="too_fast")
    log_in(page, manager.email, PASSWORD)

    page.get_by_role("link", name="Indésirables (1)").click()
    expect(page.locator(".quarantine-table")).to_contain_text("Jeanne")
    screenshot(page, "quarantine-fr")
    page.get_by_role("button", name="Pas un robot : la laisser entrer").click()
    expect(page.locator(".alert-success")).to_contain_text("est dans la liste")
    assert Inquiry.objects.for_school(school).get().first_name == "Jeanne"
