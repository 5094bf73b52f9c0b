"""A user of one school never reaches another school's back office: 404, never 403, never data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from msem.accounts.models import Membership, Role
from msem.commercial_settings.selectors import commercial_settings_snapshot
from msem.connector4807.models import SalePush
from msem.inquiries.models import Inquiry, QuarantinedRequest, SavedFilter
from msem.inquiries.quarantine import quarantine_put
from msem.inquiries.saved_filters import saved_filter_save
from msem.mailing.models import OutgoingEmail
from msem.payments.models import PaymentRequest
from msem.payments.services import payment_record
from msem.quotes.models import Quote
from tests.html_forms import flatten, form_data
from tests.inquiries.helpers import intake_data, receive_inquiry
from tests.quotes.helpers import payment_request, sent_quote

pytestmark = pytest.mark.django_db


def school_url_patterns() -> dict[str, list[str]]:
    """Every back-office URL that takes a school, with its arguments: new pages are covered at once."""
    patterns = {}
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "backoffice":
            for pattern in entry.url_patterns:
                arguments = list(pattern.pattern.regex.groupindex) if isinstance(pattern, URLPattern) else []
                if "school_slug" in arguments:
                    patterns[pattern.name] = arguments
    return patterns


SCHOOL_URLS = school_url_patterns()


@pytest.fixture
def objects_of_school_b(other_school, other_manager):
    """One object of school B for each kind of URL argument."""
    inquiry = receive_inquiry(other_school)
    shared_view = saved_filter_save(
        school=other_school, owner=other_manager, name="Village", criteria={"category": ["village"]}, shared=True
    )
    quote = sent_quote(other_school, other_manager, inquiry=inquiry)
    request = payment_request(other_school, other_manager, quote)
    paid_quote = sent_quote(other_school, other_manager, inquiry=inquiry)
    paid = payment_request(other_school, other_manager, paid_quote)
    payment_record(
        school=paid.school_id,
        payment_request_id=paid.pk,
        provider="sandbox",
        provider_reference="b-1",
        amount=paid.amount,
    )
    return {
        "school_slug": other_school.slug,
        "reference": inquiry.reference,
        "email_id": OutgoingEmail.objects.for_school(other_school).first().pk,
        "view_id": shared_view.pk,
        "quote_id": quote.pk,
        "line_id": quote.lines.first().pk,
        "payment_request_id": request.pk,
        "quote_version": quote.version,
        "push_id": SalePush.objects.for_school(other_school).get().pk,
        "quarantined_id": quarantine_put(school=other_school, data=intake_data(other_school), reason="links").pk,
        "chart": "funnel",
        "membership_id": Membership.objects.for_school(other_school).get(user=other_manager).pk,
    }


def test_the_walk_finds_the_pages():
    assert {"settings", "settings_preview", "settings_history", "inquiries", "inquiry", "email", "dashboard"} <= set(
        SCHOOL_URLS
    )


@pytest.mark.parametrize("name", sorted(SCHOOL_URLS))
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_a_manager_of_school_a_gets_404_on_every_url_of_school_b(
    name, method, manager, other_school, objects_of_school_b
):
    missing = set(SCHOOL_URLS[name]) - objects_of_school_b.keys()
    assert not missing, f"add an object of school B for {missing} to objects_of_school_b"
    client = Client()
    client.force_login(manager)
    url = reverse(f"backoffice:{name}", kwargs={key: objects_of_school_b[key] for key in SCHOOL_URLS[name]})
    before = commercial_settings_snapshot(school=other_school)
    inquiries_before = list(Inquiry.objects.for_school(other_school).values())

    response = getattr(client, method)(url)

    assert response.status_code == 404
    assert other_school.name not in response.content.decode()
    assert_untouched(other_school, objects_of_school_b, before, inquiries_before)


# Arguments that name no object of a school (a chart of the dashboard is the same for every school).
NOT_OBJECTS = {"school_slug", "chart"}
OBJECT_URLS = sorted(name for name, arguments in SCHOOL_URLS.items() if set(arguments) - NOT_OBJECTS)


@pytest.mark.parametrize("name", OBJECT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_school_b_objects_under_the_address_of_school_a_are_404s(
    name, method, *, manager, school, other_school, objects_of_school_b
):
    """The other way in: one's own school in the address, another school's ids after it."""
    client = Client()
    client.force_login(manager)
    arguments = {key: objects_of_school_b[key] for key in SCHOOL_URLS[name]} | {"school_slug": school.slug}
    url = reverse(f"backoffice:{name}", kwargs=arguments)
    before = commercial_settings_snapshot(school=other_school)
    inquiries_before = list(Inquiry.objects.for_school(other_school).values())

    response = getattr(client, method)(url, {"action": "cancel", "version": objects_of_school_b["quote_version"]})

    # 405: the view takes only the other method, refused before any object is looked up.
    assert response.status_code in (404, 405)
    assert other_school.name not in response.content.decode()
    assert_untouched(other_school, objects_of_school_b, before, inquiries_before)


def assert_untouched(other_school, objects_of_school_b, settings_before, inquiries_before) -> None:
    assert commercial_settings_snapshot(school=other_school) == settings_before
    assert list(Inquiry.objects.for_school(other_school).values()) == inquiries_before
    assert SavedFilter.objects.for_school(other_school).count() == 1
    assert list(Membership.objects.for_school(other_school).values_list("role", flat=True)) == [Role.MANAGER]
    quote = Quote.objects.for_school(other_school).get(pk=objects_of_school_b["quote_id"])
    assert (quote.status, quote.version, quote.lines.count()) == ("sent", objects_of_school_b["quote_version"], 1)
    assert PaymentRequest.objects.for_school(other_school).get(pk=objects_of_school_b["payment_request_id"]).status == (
        "pending"
    )
    push = SalePush.objects.for_school(other_school).get()
    assert (push.status, push.attempts) == ("queued", 0)
    assert QuarantinedRequest.objects.for_school(other_school).filter(pk=objects_of_school_b["quarantined_id"]).exists()


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


def test_a_dossier_of_school_b_under_the_address_of_school_a_is_a_404(manager_client, school, other_school):
    foreign = receive_inquiry(other_school)
    url = reverse("backoffice:inquiry", kwargs={"school_slug": school.slug, "reference": foreign.reference})
    assert manager_client.get(url).status_code == 404


def test_an_email_of_school_b_under_the_address_of_school_a_is_a_404(manager_client, school, other_school):
    receive_inquiry(other_school)
    foreign_email = OutgoingEmail.objects.for_school(other_school).first()
    url = reverse("backoffice:email", kwargs={"school_slug": school.slug, "email_id": foreign_email.pk})
    assert manager_client.get(url).status_code == 404


def test_an_unknown_school_is_a_404_too(manager_client):
    assert manager_client.get(reverse("backoffice:settings", kwargs={"school_slug": "nowhere"})).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(school):
    response = Client().get(reverse("backoffice:settings", kwargs={"school_slug": school.slug}))
    assert response.status_code == 302
    assert response["Location"].startswith("/backoffice/login/")
