"""Actions on a quote that cannot be undone ask first, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from msem.mailing.models import OutgoingEmail
from msem.payments.models import PaymentRequest
from msem.quotes.models import Quote
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.quotes.helpers import payment_request, sent_quote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_dossier(page, school, quote) -> None:
    page.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    expect(page.locator("#quotes-panel")).not_to_have_attribute("aria-busy", "true")


def answer_next_question(page, *, accept: bool) -> list[str]:
    """Answer the browser's next confirmation; returns its question once asked."""
    questions: list[str] = []

    def on_dialog(dialog) -> None:
        questions.append(dialog.message)
        if accept:
            dialog.accept()
        else:
            dialog.dismiss()

    page.once("dialog", on_dialog)
    return questions


def test_cancelling_a_quote_asks_first_and_dismissing_changes_nothing(page, school, manager, screenshot):
    # A school its clients can pay (an IBAN): without one, the payment form warns so in an .alert of its own.
    school.iban = "FR7630006000011234567890189"
    school.save(update_fields=["iban"])
    quote = sent_quote(school, manager)
    log_in(page, manager.email, PASSWORD)
    open_dossier(page, school, quote)
    cancel = page.locator(".quote-status-actions").get_by_role("button", name="Annuler ce devis")

    questions = answer_next_question(page, accept=False)
    cancel.click()
    expect(cancel).to_be_visible()
    assert questions == [
        f"Annuler le devis {quote.number}\u202f? C’est définitif\u00a0: ses liens cessent de fonctionner."
    ]
    page.wait_for_timeout(300)  # a request, had one left, would have landed by now
    assert Quote.objects.get(pk=quote.pk).status == "sent"
    expect(page.locator(".alert")).to_have_count(0)

    questions = answer_next_question(page, accept=True)
    cancel.click()
    # Said next to the quote, where the page stands, not in the banner out of sight at the top.
    done = page.locator(f"#quote-{quote.pk} .alert-success")
    expect(done).to_have_text(f"Le devis {quote.number} est annulé.")
    expect(done).to_be_in_viewport()
    assert Quote.objects.get(pk=quote.pk).status == "cancelled"
    screenshot(page, "quote-fr-cancelled", full_page=False)


def test_changing_a_sent_quote_asks_first_in_english(page, school, manager, screenshot):
    manager.language = "en"
    manager.save()
    quote = sent_quote(school, manager)
    log_in(page, manager.email, PASSWORD)
    open_dossier(page, school, quote)
    change = page.get_by_role("button", name="Change this quote (its links stop working)")

    questions = answer_next_question(page, accept=False)
    change.click()
    page.wait_for_timeout(300)
    assert len(questions) == 1
    assert questions[0].startswith(f"Change quote {quote.number}?")
    assert Quote.objects.get(pk=quote.pk).status == "sent"

    answer_next_question(page, accept=True)
    change.click()
    done = page.locator(f"#quote-{quote.pk} .alert-success")
    expect(done).to_contain_text(f"Quote {quote.number} is a draft again")
    expect(done).to_be_in_viewport()
    assert Quote.objects.get(pk=quote.pk).status == "draft"
    screenshot(page, "quote-en-reopened", full_page=False)


def test_a_new_payment_request_says_it_replaces_the_waiting_one_and_asks_first(page, school, manager, screenshot):
    quote = sent_quote(school, manager)
    log_in(page, manager.email, PASSWORD)
    open_dossier(page, school, quote)
    form = page.locator(".payment-request-form")
    posts: list[str] = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    # A double click sends the form once (the server's refusal of a replay is in test_quote_panel): the
    # page then says the request left, not "this one did not leave", the second click's answer.
    form.get_by_role("button", name="Envoyer la demande de paiement").dblclick()
    expect(page.locator(f"#quote-{quote.pk} .alert-success")).to_contain_text(f"{quote.number}-P1")
    assert len(posts) == 1, posts
    page.wait_for_timeout(300)
    assert list(PaymentRequest.objects.values_list("status", flat=True)) == ["pending"]
    assert OutgoingEmail.objects.filter(kind="payment_request").count() == 1

    open_dossier(page, school, quote)
    replace = form.get_by_role("button", name=f"Remplacer {quote.number}-P1 et envoyer la nouvelle demande")
    expect(form).to_contain_text(f"{quote.number}-P1 attend le paiement : une nouvelle demande la remplace.")
    replace.scroll_into_view_if_needed()
    screenshot(page, "payment-request-fr-replace", full_page=False)
    questions = answer_next_question(page, accept=False)
    replace.click()
    page.wait_for_timeout(300)
    assert questions == [
        f"Remplacer la demande de paiement {quote.number}-P1\u202f? Son lien cesse de fonctionner et le client reçoit "
        "un nouvel e-mail."
    ]
    assert PaymentRequest.objects.count() == 1

    answer_next_question(page, accept=True)
    # P1 asks for the whole amount: the form offers a deposit first (the same amount again is refused).
    expect(form.get_by_label("Un acompte")).to_be_checked()
    form.locator("input[name=percentage]").fill("30")
    replace.click()
    expect(page.locator(f"#quote-{quote.pk} .alert-success")).to_contain_text(f"{quote.number}-P1 ne fonctionne plus")
    assert list(PaymentRequest.objects.order_by("id").values_list("status", flat=True)) == ["cancelled", "pending"]
    assert OutgoingEmail.objects.filter(kind="payment_request").count() == 2


def test_the_replace_button_in_english(page, school, manager, screenshot):
    manager.language = "en"
    manager.save()
    quote = sent_quote(school, manager)
    payment_request(school, manager, quote)
    log_in(page, manager.email, PASSWORD)
    open_dossier(page, school, quote)
    form = page.locator(".payment-request-form")
    expect(form.get_by_role("button", name=f"Replace {quote.number}-P1 and send the new request")).to_be_visible()
    # A deposit of 30.5 % is a value the browser accepts, as the server does (2 decimals).
    form.get_by_label("A deposit").check()
    percentage = form.locator("input[name=percentage]")
    percentage.fill("30.5")
    assert percentage.evaluate("input => input.validity.valid")
    form.scroll_into_view_if_needed()
    screenshot(page, "payment-request-en-replace", full_page=False)
