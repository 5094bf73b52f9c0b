"""Actions on a quote that cannot be undone ask first, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from msem.quotes.models import Quote
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.quotes.helpers import sent_quote

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
    quote = sent_quote(school, manager)
    log_in(page, manager.email, PASSWORD)
    open_dossier(page, school, quote)
    cancel = page.locator(".quote-status-actions").get_by_role("button", name="Annuler ce devis")

    questions = answer_next_question(page, accept=False)
    cancel.click()
    expect(cancel).to_be_visible()
    assert questions == [f"Annuler le devis {quote.number} ? C’est définitif : ses liens cessent de fonctionner."]
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
