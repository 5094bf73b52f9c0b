"""A secretary still logged into the back office opens her school's public pages, as she does from the inbox.

The public pages name their school, as the back office's do; they must not
take the back office's frame for it, nor fail for want of a membership.
"""

from __future__ import annotations

import pytest

from msem.inquiries.models import Inquiry, Subject
from tests.html_forms import flatten, form_data, page_text
from tests.public_site.test_quote_and_pay_pages import pay_url, quote_url
from tests.quotes.helpers import payment_request, sent_quote

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _people_type_fast_in_tests(settings):
    settings.MSEM_FORM_MIN_FILL_SECONDS = 0


@pytest.mark.parametrize("language", ["fr", "en"])
def test_she_sends_a_request_through_her_schools_form(secretary_client, school, language):
    form_url = f"/{language}/{school.slug}/contact/"
    response = secretary_client.get(form_url)
    assert response.status_code == 200
    assert "user-menu" not in response.content.decode()  # the public page, not the back office's frame

    data = form_data(response.content.decode())
    subject = Subject.objects.for_school(school).live().get()
    data.update(
        subject=[str(subject.pk)],
        first_name=["Julie"],
        last_name=["Test"],
        email=["julie.test@example.org"],
        message=["Un essai du formulaire, à archiver."],
    )
    sent = secretary_client.post(form_url, flatten(data))
    assert sent.status_code == 302
    thanks = secretary_client.get(sent["Location"])
    assert thanks.status_code == 200
    assert Inquiry.objects.get().reference in page_text(thanks)


def test_a_manager_of_another_school_opens_this_schools_form(other_manager, client, school):
    client.force_login(other_manager)
    assert client.get(f"/fr/{school.slug}/contact/").status_code == 200


def test_she_opens_the_quote_and_payment_pages_her_client_got(secretary_client, school, manager):
    quote = sent_quote(school, manager)
    request = payment_request(school, manager, quote)
    for url in (quote_url(quote), quote_url(quote, "en"), pay_url(request)):
        response = secretary_client.get(url)
        assert response.status_code == 200, url
        assert "user-menu" not in response.content.decode(), url
