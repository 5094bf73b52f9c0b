"""The quarantine: what waits there, letting a real request in, deleting, and the purge after 14 days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from msem.inquiries.models import Inquiry, InquiryEvent, QuarantinedRequest
from msem.inquiries.quarantine import quarantine_purge, quarantine_put
from msem.mailing.models import OutgoingEmail
from tests.inquiries.helpers import intake_data

pytestmark = pytest.mark.django_db


def held(school, **overrides) -> QuarantinedRequest:
    request = quarantine_put(school=school, data=intake_data(school, **overrides), reason="too_fast")
    assert request is not None
    return request


def page_url(school) -> str:
    return reverse("backoffice:quarantine", kwargs={"school_slug": school.slug})


def action_url(school, request) -> str:
    return reverse("backoffice:quarantine_action", kwargs={"school_slug": school.slug, "quarantined_id": request.pk})


class TestThePage:
    def test_the_inbox_shows_how_many_wait(self, manager_client, school):
        held(school)
        held(school, email="autre@example.org")
        page = manager_client.get(reverse("backoffice:inquiries", kwargs={"school_slug": school.slug}))
        assert "Indésirables (2)" in page.content.decode()

    def test_the_page_lists_them_with_the_reason(self, manager_client, school):
        held(school, first_name="Jeanne", message="Bonjour, 3 cours")
        page = manager_client.get(page_url(school)).content.decode()
        assert "Jeanne" in page
        assert "Envoyée plus vite qu’une personne ne tape" in page

    def test_nothing_waiting(self, manager_client, school):
        assert "Aucune demande indésirable." in manager_client.get(page_url(school)).content.decode()


class TestLettingIn:
    def test_a_real_request_becomes_a_dossier_with_its_emails(self, manager_client, school, manager):
        request = held(school, first_name="Jeanne", email="jeanne@example.org")

        response = manager_client.post(action_url(school, request), {"action": "release"})

        inquiry = Inquiry.objects.for_school(school).get()
        assert response.status_code == 302
        assert response["Location"].endswith(f"/inquiries/{inquiry.reference}/")
        assert (inquiry.first_name, inquiry.email) == ("Jeanne", "jeanne@example.org")
        assert set(OutgoingEmail.objects.for_school(school).values_list("kind", flat=True)) == {
            "notification",
            "acknowledgement",
        }
        event = InquiryEvent.objects.for_school(school).get(kind="quarantine_released")
        assert (event.actor, event.data["reason"]) == (manager, "too_fast")
        assert not QuarantinedRequest.objects.exists()

    def test_letting_in_twice_makes_one_dossier(self, manager_client, school):
        request = held(school)
        manager_client.post(action_url(school, request), {"action": "release"})
        second = manager_client.post(action_url(school, request), {"action": "release"})
        assert second.status_code == 404
        assert Inquiry.objects.count() == 1

    def test_deleting(self, manager_client, school):
        request = held(school)
        manager_client.post(action_url(school, request), {"action": "delete"})
        assert not QuarantinedRequest.objects.exists()
        assert not Inquiry.objects.exists()

    def test_an_unknown_action_changes_nothing(self, manager_client, school):
        request = held(school)
        manager_client.post(action_url(school, request), {"action": "explode"})
        assert QuarantinedRequest.objects.count() == 1


class TestLimits:
    def test_after_14_days_it_is_gone(self, school):
        old = held(school)
        QuarantinedRequest.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=14, hours=1))
        recent = held(school)

        assert quarantine_purge() == 1
        assert list(QuarantinedRequest.objects.values_list("pk", flat=True)) == [recent.pk]

    def test_a_flood_fills_the_day_and_no_more(self, school, settings):
        settings.MSEM_QUARANTINE_PER_SCHOOL_PER_DAY = 3
        for _ in range(3):
            held(school)
        assert quarantine_put(school=school, data=intake_data(school), reason="links") is None
        assert QuarantinedRequest.objects.count() == 3
