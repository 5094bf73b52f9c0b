"""From a request to a paid quote, in a real browser: the secretary's side and the client's."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from msem.inquiries.models import Inquiry
from msem.payments.links import payment_link_token
from msem.payments.models import PaymentRequest
from msem.quotes.models import Quote
from msem.sales.models import Sale
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import catalog, product_with_price

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(school, settings):
    settings.MSEM_PAYMENT_SANDBOX = True
    tour_operator = catalog(school)
    product_with_price(
        school,
        code="COLL-FLOCON",
        name_fr="Cours collectif Flocon — 6 matinées",
        name_en="Group lesson Flocon — 6 mornings",
        price="189.00",
    )
    product_with_price(
        school,
        code="PRIV-OFFPISTE",
        name_fr="Journée hors-piste privée",
        name_en="Private off-piste day",
        price="450.00",
        unit="per_lesson",
        catalog=tour_operator,
    )
    return tour_operator


def add_product(page, price_list: str, product_name: str) -> None:
    """Added without a page load: the panel comes back with one line more (htmx)."""
    lines = page.locator(".quote-lines tr.quote-line")
    before = lines.count()
    page.locator("select[name=price_list]").select_option(label=price_list)
    results = page.locator(".product-results")
    expect(results).to_contain_text(product_name)
    results.locator("li", has_text=product_name).get_by_role("button").click()
    expect(lines).to_have_count(before + 1)


def open_dossier(page, school, inquiry) -> None:
    page.goto(f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/")
    expect(page.locator("#quotes-panel")).not_to_have_attribute("aria-busy", "true")


def ask_payment(page, *, deposit_percentage: str | None, button: str, deposit_label: str) -> None:
    form = page.locator(".payment-request-form")
    if deposit_percentage:
        form.get_by_label(deposit_label).check()
        form.locator("input[name=percentage]").fill(deposit_percentage)
    form.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def pay_in_sandbox(page, language: str, button: re.Pattern) -> None:
    request = PaymentRequest.objects.filter(status="pending").latest("created_at")
    page.goto(f"/{language}/pay/{payment_link_token(request)}/")
    page.get_by_role("button", name=button).click()


def test_a_request_becomes_a_paid_quote_with_a_4807_catalog_in_french(page, school, manager, shop, screenshot):
    inquiry = receive_inquiry(school, first_name="Hélène", last_name="Favre", participants=3)
    log_in(page, manager.email, PASSWORD)
    open_dossier(page, school, inquiry)

    page.get_by_role("button", name="Nouveau devis").click()
    expect(page.locator("#quotes-panel")).to_contain_text("Ajouter une prestation")
    add_product(page, "TO-NEIGE-2026 — Neige & Soleil Voyages", "Journée hors-piste privée")
    add_product(page, "Tarif public", "Cours collectif Flocon — 6 matinées")
    lines = page.locator(".quote-lines tr.quote-line")
    expect(lines).to_have_count(2)
    expect(page.locator("[data-quote-total]")).to_have_text("1\u202f017,00\u00a0€")  # 450 + 3 × 189
    screenshot(page, "quote-fr-draft")

    page.locator(".quote-send").get_by_role("button", name="Voir l’e-mail avant l’envoi").click()
    expect(page.locator(".send-preview")).to_contain_text(f"Ce que {inquiry.email} va recevoir")
    page.locator(".quote-send").get_by_role("button", name="Envoyer le devis").click()
    expect(page.get_by_text(f"Le devis part vers {inquiry.email}.")).to_be_visible()
    quote = Quote.objects.get()
    assert quote.status == "sent"

    # The client's page: accept.
    page.goto(f"/fr/{school.slug}/quote/{quote.link_token}/")
    expect(page.get_by_text("Journée hors-piste privée")).to_be_visible()
    screenshot(page, "quote-fr-client")
    page.get_by_role("button", name="Accepter le devis").click()
    expect(page.get_by_text("Vous avez accepté ce devis")).to_be_visible()

    # A 30 % deposit, paid in the sandbox.
    open_dossier(page, school, inquiry)
    ask_payment(page, deposit_percentage="30", button="Envoyer la demande de paiement", deposit_label="Un acompte")
    expect(page.locator(".alert-success")).to_contain_text("La demande de paiement DEV-")
    assert str(PaymentRequest.objects.get().amount) == "305.10"
    pay_in_sandbox(page, "fr", re.compile(r"Payer 305,10.*bac à sable"))
    expect(page.get_by_text("Paiement reçu, merci !")).to_be_visible()
    screenshot(page, "pay-fr-deposit-paid")

    # Then the balance.
    open_dossier(page, school, inquiry)
    expect(page.locator(".payment-request-form")).to_contain_text("Reste à payer : 711,90")
    ask_payment(page, deposit_percentage=None, button="Envoyer la demande de paiement", deposit_label="Un acompte")
    pay_in_sandbox(page, "fr", re.compile(r"Payer 711,90.*bac à sable"))
    expect(page.get_by_text("Votre devis est entièrement payé")).to_be_visible()

    open_dossier(page, school, inquiry)
    expect(page.locator(".lead .status")).to_have_text("Payée")
    expect(page.locator("#quotes-panel")).to_contain_text("Payé")
    screenshot(page, "dossier-fr-paid")
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.PAID
    sale = Sale.objects.get()
    assert str(sale.total) == "1017.00"
    assert {line["catalog_code"] for line in sale.lines} == {"TO-NEIGE-2026", ""}


def test_the_same_in_english(page, school, manager, shop, screenshot):
    manager.language = "en"
    manager.save()
    inquiry = receive_inquiry(school, language="en", first_name="John", last_name="Smith", participants=2)
    log_in(page, manager.email, PASSWORD)
    open_dossier(page, school, inquiry)
    page.get_by_role("button", name="New quote").click()
    add_product(page, "Public price list", "Group lesson Flocon — 6 mornings")
    expect(page.locator("[data-quote-total]")).to_have_text("€378.00")
    page.locator(".quote-send").get_by_role("button", name="Preview the e-mail").click()
    page.locator(".quote-send").get_by_role("button", name="Send the quote").click()
    quote = Quote.objects.get()

    page.goto(f"/en/{school.slug}/quote/{quote.link_token}/")
    page.get_by_role("button", name="Accept the quote").click()
    expect(page.get_by_text("You accepted this quote")).to_be_visible()
    screenshot(page, "quote-en-client")

    open_dossier(page, school, inquiry)
    ask_payment(page, deposit_percentage=None, button="Send the payment request", deposit_label="A deposit")
    pay_in_sandbox(page, "en", re.compile(r"Pay €378.00 \(sandbox\)"))
    expect(page.get_by_text("Payment received, thank you!")).to_be_visible()
    screenshot(page, "pay-en-paid")
    assert Quote.objects.get().status == "paid"
    assert Sale.objects.count() == 1
