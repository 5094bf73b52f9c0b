"""The platform admin in a real browser: its first page and the e-mail list hold the CSP too."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from msem.accounts.models import User
from msem.platform.heartbeat import heartbeat_record, task_queues
from msem.schools.services import school_connector_token_set
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.platform.test_admin import failed_emails

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_sees_the_health_and_requeues_a_failed_email(page, school, screenshot):
    User.objects.create_superuser(email="ops@msem.test", password="ops-password")
    for queue_name in task_queues():
        heartbeat_record(queue_name=queue_name, queued_at=timezone.now())
    failed_emails(school)

    # The admin's login is the back office's (throttled), which brings the administrator back to the admin.
    page.goto("/admin/")
    page.locator("#id_email").fill("ops@msem.test")
    page.locator("#id_password").fill("ops-password")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#deployment-health")).to_contain_text("au travail")
    expect(page.locator("#deployment-health")).not_to_contain_text("silencieux")
    expect(page.locator("#failures-by-school")).to_contain_text(school.name)
    screenshot(page, "admin-fr-health")

    page.locator("#outbox-counts a").first.click()
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option("put_back_in_queue")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("de nouveau en file d’attente")


def test_a_school_changed_in_the_admin_shows_in_its_managers_history(page, browser, live_server, school, manager):
    User.objects.create_superuser(email="ops@msem.test", password="ops-password")
    school_connector_token_set(school=school, token="old-token-value")
    page.goto("/admin/")
    page.locator("#id_email").fill("ops@msem.test")
    page.locator("#id_password").fill("ops-password")
    page.get_by_role("button", name="Se connecter").click()

    page.goto(f"/admin/schools/school/{school.pk}/change/")
    expect(page.locator("#id_connector_token")).to_have_value("")
    expect(page.locator("#id_connector_token")).to_have_attribute("type", "password")
    page.locator("#id_iban").fill("FR7630006000011234567890189")
    page.locator("#id_connector_token").fill("new-token-value")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("modifié avec succès")

    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=live_server.url)
    manager_page = context.new_page()
    log_in(manager_page, manager.email, PASSWORD)
    manager_page.goto(f"/backoffice/{school.slug}/settings/history/")
    entry = manager_page.locator("article.audit-entry").first
    expect(entry).to_contain_text("par les administrateurs de la plateforme")
    expect(entry).to_contain_text("FR7630006000011234567890189")
    expect(entry).to_contain_text("nouvelle valeur (non affichée)")
    # What changed is marked, and said to a screen reader (msem/backoffice/templatetags/text_changes.py).
    assert 'insertion: "ajouté : nouvelle valeur"' in entry.aria_snapshot()
    # Nothing else: the browser's line breaks in the footers and origins are no change.
    expect(entry.locator("tbody tr")).to_have_count(2)
    context.close()
