"""4807 in a real browser: a code checked on Enter, a failed push retried from the dossier."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from msem.connector4807.pushing import sales_push_due
from tests.browser.conftest import log_in
from tests.connector4807.test_connector import paid_sale, simulator  # noqa: F401 (fixture)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enter_checks_the_code_against_4807_and_shows_the_account(page, school, manager, simulator, screenshot):  # noqa: F811
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/settings/")
    code = page.get_by_label("Code du catalogue 4807")
    code.fill("to-neige-2026")
    code.press("Enter")
    expect(page.locator("#catalog-chips")).to_contain_text("Neige & Soleil Voyages")
    code.fill("XX-INCONNU")
    code.press("Enter")
    expect(page.locator("#catalog-code-error")).to_contain_text("XX-INCONNU")
    expect(page.locator("#catalog-chips [data-chip]")).to_have_count(1)
    page.locator("#catalogs").scroll_into_view_if_needed()
    screenshot(page, "settings-fr-4807-code", full_page=False)


def test_a_failed_push_shows_in_the_dossier_and_retry_delivers_it(page, school, manager, simulator, screenshot):  # noqa: F811
    push = paid_sale(school, manager)
    simulator.inject("validation")
    sales_push_due(time_budget=10)
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{push.sale.inquiry.reference}/")
    sale = page.locator(".sale-box")
    expect(sale).to_contain_text("Échec de la remontée vers 4807")
    expect(sale).to_contain_text("HTTP 422")
    screenshot(page, "dossier-fr-push-failed", full_page=False)

    sale.get_by_role("button", name="Réessayer").click()
    expect(page.get_by_text("La vente repart vers 4807")).to_be_visible()
    sales_push_due(time_budget=10)
    page.reload()
    expect(page.locator(".sale-box")).to_contain_text("Remontée vers 4807")
    assert len(simulator.sales) == 1
