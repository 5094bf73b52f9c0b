"""Signed tokens (payment links, contact-form tokens): one purpose each, and a key can be rolled over."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from msem.payments.links import payment_link_token
from msem.public_site.form_token import form_token_issue, form_token_read
from tests.quotes.helpers import payment_request, sent_quote

pytestmark = pytest.mark.django_db


def pay_page(token: str):
    return Client().get(reverse("public_site:pay", kwargs={"language": "fr", "token": token}))


def test_a_token_signed_for_one_purpose_is_refused_for_another(school, manager):
    request = payment_request(school, manager, sent_quote(school, manager))

    assert pay_page(form_token_issue(school_id=school.pk)).status_code == 404
    assert form_token_read(payment_link_token(request), school_id=school.pk) is None


def test_links_signed_with_the_old_key_work_while_it_is_a_fallback_and_stop_after(school, manager, settings):
    request = payment_request(school, manager, sent_quote(school, manager))
    old_link = payment_link_token(request)

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-brand-new-key-" + "n" * 40, [settings.SECRET_KEY]
    assert pay_page(old_link).status_code == 200

    settings.SECRET_KEY_FALLBACKS = []
    assert pay_page(old_link).status_code == 404
    assert pay_page(payment_link_token(request)).status_code == 200
