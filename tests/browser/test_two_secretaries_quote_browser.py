"""In a browser: a colleague's payment request left while her panel was open; hers is stopped, her text kept."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from msem.accounts.models import User
from msem.mailing.models import OutgoingEmail
from msem.payments.models import PaymentRequest
from msem.payments.services import payment_request_send
from msem.platform.moments import time_said
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.quotes.helpers import sent_quote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "fr": {
        "send": "Envoyer la demande de paiement",
        "said": "{name} a envoyé la demande de paiement {reference} à {time}, pendant que vous aviez ce devis ouvert",
        "replace": "Remplacer {reference} et envoyer la nouvelle demande",
    },
    "en": {
        "send": "Send the payment request",
        "said": "{name} sent payment request {reference} at {time}, while you had this quote open",
        "replace": "Replace {reference} and send the new request",
    },
}


@pytest.fixture
def desks(secretary, manager):
    """Two desks of the same office: hers, and her colleague's."""
    return secretary, manager


@pytest.mark.parametrize(
    "screen", [("fr", 390), ("en", 390), ("fr", 1280), ("en", 1280)], ids=lambda screen: f"{screen[0]}-{screen[1]}"
)
def test_her_payment_request_is_stopped_and_her_text_waits_in_the_form(page, school, desks, screen, screenshot):
    secretary, manager = desks
    language, width = screen
    words = WORDS[language]
    quote = sent_quote(school, manager)
    User.objects.filter(pk=secretary.pk).update(language=language)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    expect(page.locator("#quotes-panel")).not_to_have_attribute("aria-busy", "true")
    form = page.locator(".payment-request-form")
    form.locator("textarea[name=body]").fill("Bonjour, voici le lien pour régler {amount} : {payment_link}")

    # Meanwhile, at the next desk.
    theirs = payment_request_send(school=school, actor=manager, quote_id=quote.pk, kind="full", replaces=None)
    form.get_by_role("button", name=words["send"]).click()

    alert = page.locator(".alert-error[role=alert]")
    expected = words["said"].format(
        name=manager.full_name, reference=theirs.reference, time=time_said(theirs.created_at)
    )
    expect(alert).to_contain_text(expected)
    expect(alert).to_be_focused()
    assert page.url.endswith(f"/inquiries/{quote.inquiry.reference}/")  # reloading shows the dossier
    expect(form.locator("textarea[name=body]")).to_have_value(
        "Bonjour, voici le lien pour régler {amount} : {payment_link}"
    )
    expect(form.get_by_role("button", name=words["replace"].format(reference=theirs.reference))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"payment-request-stopped-{language}-{width}", full_page=False)
    assert PaymentRequest.objects.count() == 1
    assert OutgoingEmail.objects.filter(kind="payment_request").count() == 1
