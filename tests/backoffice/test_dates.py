"""One moment, one form on every screen of the back office; a calendar day, one form too (config/formats)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from msem.audit.models import AuditRecord
from msem.inquiries.dossier import inquiry_reply
from msem.inquiries.models import InquiryEvent
from msem.mailing.models import OutgoingEmail
from tests.backoffice.test_settings_page import page_data, post
from tests.html_forms import page_text
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db

# 7 December 2024 at 12:05 in Paris: a year ago and more, so that no list says it "today" or "yesterday".
MOMENT = datetime(2024, 12, 7, 12, 5)
# No-break spaces: on a phone the moment moves to the next line whole.
MOMENT_SAID = {"fr": "7\u00a0déc.\u00a02024,\u00a012:05", "en": "7\u00a0Dec\u00a02024,\u00a012:05"}
DAY_SAID = {"fr": "7\u00a0déc.\u00a02024", "en": "7\u00a0Dec\u00a02024"}


@pytest.fixture(params=["fr", "en"])
def language(request, manager) -> str:
    manager.language = request.param
    manager.save(update_fields=["language"])
    return request.param


@pytest.fixture
def one_moment(school, manager, manager_client):
    """A reply e-mailed, and a save of the settings, both at MOMENT."""
    moment = timezone.make_aware(MOMENT)
    inquiry = receive_inquiry(school)
    email = inquiry_reply(school=school, actor=manager, inquiry_id=inquiry.pk, subject="Vos cours", body="Bonjour.")
    OutgoingEmail.objects.filter(pk=email.pk).update(created_at=moment)
    InquiryEvent.objects.filter(inquiry=inquiry).update(created_at=moment)
    data = page_data(manager_client, school)
    data["subjects-0-email"] = ["accueil@valneige.test"]
    post(manager_client, school, data)
    AuditRecord.objects.for_school(school).update(created_at=moment)
    return {"inquiry": inquiry, "email": email}


def test_the_dossier_the_emails_and_the_history_say_a_moment_alike(manager_client, school, one_moment, language):
    said = MOMENT_SAID[language]
    slug = school.slug
    dossier = page_text(manager_client.get(reverse("backoffice:inquiry", args=[slug, one_moment["inquiry"].reference])))
    emails = page_text(manager_client.get(reverse("backoffice:emails", args=[slug])))
    email = page_text(manager_client.get(reverse("backoffice:email", args=[slug, one_moment["email"].pk])))
    history = page_text(manager_client.get(reverse("backoffice:settings_history", args=[slug])))

    # The timeline's events, the list's whole moment (its narrow column says "7 déc. 2024"), the e-mail's
    # own page, and the history's heading of a save.
    assert f'datetime="2024-12-07T12:05:00+01:00">{said}</time>' in dossier
    assert f'title="{said}">' in emails
    assert f"<dd>{said}</dd>" in email
    assert f'datetime="2024-12-07T12:05:00+01:00">{said}</time></h2>' in history


def test_a_day_is_said_as_the_day_of_a_moment(manager_client, school, language):
    inquiry = receive_inquiry(school, arrival_date=date(2024, 12, 7), departure_date=date(2024, 12, 14))
    dossier = page_text(manager_client.get(reverse("backoffice:inquiry", args=[school.slug, inquiry.reference])))
    departure = {"fr": "14\u00a0déc.\u00a02024", "en": "14\u00a0Dec\u00a02024"}[language]
    assert f"<dd>{DAY_SAID[language]} → {departure}</dd>" in dossier


FIRST_SAID = {"fr": "1er\u00a0sept.\u00a02026", "en": "1\u00a0Sep\u00a02026"}


def test_a_stay_from_the_first_of_the_month_is_said_the_1er_in_french(manager_client, school, language):
    """The dossier, the inbox's stay column and the notification e-mail read "1 sept." for "1er sept."."""
    inquiry = receive_inquiry(school, arrival_date=date(2026, 9, 1), departure_date=date(2026, 9, 8))

    dossier = page_text(manager_client.get(reverse("backoffice:inquiry", args=[school.slug, inquiry.reference])))
    inbox = page_text(manager_client.get(reverse("backoffice:inquiries", args=[school.slug])))

    eighth = {"fr": "8\u00a0sept.\u00a02026", "en": "8\u00a0Sep\u00a02026"}[language]
    assert f"<dd>{FIRST_SAID[language]} → {eighth}</dd>" in dossier
    # The inbox's narrow column names the month once: "1er → 8 sept.".
    assert re.search({"fr": r">1er → 8\s+sept\. ·", "en": r">1 → 8\s+Sep ·"}[language], inbox)
    # The school's address is told of the request in French, whoever reads the page.
    notification = OutgoingEmail.objects.for_school(school).get(kind=OutgoingEmail.Kind.NOTIFICATION)
    assert f"{FIRST_SAID['fr']} → 8\u00a0sept.\u00a02026" in notification.text_body
    assert f"{FIRST_SAID['fr']} → 8\u00a0sept.\u00a02026" in notification.html_body
