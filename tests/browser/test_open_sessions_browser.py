"""My open sessions, in a real browser: the list on the password page, and ending the other one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    """A second browser, her phone."""
    context = browser.new_context(base_url=live_server.url, user_agent="Mozilla/5.0 (iPhone) Safari/604.1")
    yield context.new_page()
    context.close()


def test_a_manager_ends_her_session_on_another_computer(page, phone, manager, school, screenshot):
    log_in(phone, manager.email, PASSWORD)
    log_in(page, manager.email, PASSWORD)

    page.goto("/backoffice/password/")
    sessions = page.locator(".sessions-table tbody tr")
    expect(sessions).to_have_count(2)
    expect(page.locator(".sessions-table .badge")).to_have_text("Cette session")
    screenshot(page, "open-sessions-1-list-fr")

    page.get_by_role("button", name="Fermer cette session").click()
    expect(page.get_by_role("status").first).to_contain_text("La session a été fermée.")
    expect(sessions).to_have_count(1)
    screenshot(page, "open-sessions-2-ended-fr")

    phone.goto(f"/backoffice/{school.slug}/inquiries/")
    phone.wait_for_url(re.compile(r"/backoffice/login/"))
