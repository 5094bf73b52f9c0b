"""The platform admin in a real browser: its first page and the e-mail list hold the CSP too."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from msem.accounts.models import User
from msem.platform.heartbeat import heartbeat_record, task_queues
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
