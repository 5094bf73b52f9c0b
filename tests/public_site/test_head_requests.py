"""A link checker or an uptime monitor asks HEAD: the client's pages and the health checks answer it as GET.

A school's website checks its link to the form, a mail filter its links to a quote or a payment
page, an operator's monitor /health/: a 405 reads as "down" or "broken link". HEAD answers with
GET's status and headers and no body, and changes nothing: it never goes the POST's way.
"""

from __future__ import annotations

import pytest
from django.test import Client

from msem.inquiries.models import Inquiry
from msem.mailing.models import OutgoingEmail
from msem.quotes.models import Quote
from tests.public_site.test_contact_form import filled_form, form_url, submit
from tests.public_site.test_quote_and_pay_pages import pay_url, quote_url
from tests.quotes.helpers import payment_request, sent_quote

pytestmark = pytest.mark.django_db


def test_the_contact_form_answers_head_as_get_and_stores_nothing(school):
    get, head = Client().get(form_url(school, "en")), Client().head(form_url(school, "en"))

    assert (head.status_code, get.status_code) == (200, 200)
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]
    # As the form itself: framable by the school's website, with its policy.
    assert head["Content-Security-Policy"] == get["Content-Security-Policy"]
    assert not Inquiry.objects.for_school(school).exists()
    assert not OutgoingEmail.objects.exists()


def test_an_unknown_school_is_still_a_404(school):
    assert Client().head("/fr/nowhere/contact/").status_code == 404


def test_the_thanks_page(school, settings):
    settings.MSEM_FORM_MIN_FILL_SECONDS = 0
    client = Client()
    thanks_url = submit(client, school, filled_form(client, school))["Location"]

    assert Client().head(thanks_url).status_code == 200


def test_a_quote_its_pdf_and_its_payment_page_and_nothing_is_accepted(school, manager):
    quote = sent_quote(school, manager)
    request = payment_request(school, manager, quote)
    client = Client()

    assert client.head(quote_url(quote)).status_code == 200
    assert client.head(quote_url(quote, suffix="pdf")).status_code == 200
    assert client.head(pay_url(request)).status_code == 200
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SENT


def test_the_health_checks(client):
    assert client.head("/health/ready/").status_code == 200
    assert client.head("/health/").status_code == client.get("/health/").status_code  # the checks' verdict
    assert client.head("/api/v1/openapi.json").status_code == 200
