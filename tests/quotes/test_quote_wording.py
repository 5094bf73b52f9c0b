"""What the quote's e-mail and PDF say around the school's text: the PDF attached, what accepting does, the footer."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from msem.mailing.models import OutgoingEmail
from msem.quotes.models import Quote
from msem.quotes.pdf import quote_pdf
from msem.quotes.services import quote_remind, quote_send
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import draft_quote, payment_request, sent_quote

pytestmark = pytest.mark.django_db

ATTACHED = {
    "fr": "Le devis est joint à cet e-mail en PDF.",
    "en": "The quote is attached to this e-mail as a PDF.",
}
ACCEPTING = {
    "fr": "Accepter ne débite rien : ESF Val Neige vous enverra ensuite par e-mail un lien pour payer ; "
    "votre réservation est confirmée une fois le devis entièrement payé.",
    "en": "Accepting charges nothing: ESF Val Neige will then send you a link by e-mail to pay; "
    "your booking is confirmed once the quote is fully paid.",
}


def _plain(text: str) -> str:
    """The words as read: French no-break spaces as spaces, a PDF's wrapped lines joined."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _pdf_text(quote: Quote) -> str:
    return _plain("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(quote_pdf(quote))).pages))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_quote_email_says_the_pdf_is_attached_and_that_accepting_charges_nothing(school, manager, language):
    quote = draft_quote(school, manager, inquiry=receive_inquiry(school, language=language))

    email = quote_send(
        school=school, actor=manager, quote_id=quote.pk, subject="{quote_number}", body="Le texte de l’école."
    )

    text = _plain(email.text_body)
    assert email.attachments.count() == 1
    # After the school's text, untouched, and the summary: the app's fixed words.
    assert text.startswith("Le texte de l’école.")
    assert text.index("ESF Val Neige") > text.index("Le texte de l’école.")
    assert f"{ATTACHED[language]} {ACCEPTING[language]}" in text
    assert ACCEPTING[language] in _plain(email.html_body.replace("<br>", " "))


def test_a_reminder_sent_while_a_payment_link_waits_does_not_promise_a_link_to_come(school, manager):
    quote = sent_quote(school, manager)
    payment_request(school, manager, quote)

    quote_remind(school=school, actor=manager, quote_id=quote.pk)

    email = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.QUOTE).latest("id")
    assert email.subject.startswith("Rappel")

    text = _plain(email.text_body)
    assert ATTACHED["fr"] in text
    assert "Accepter ne débite rien" not in text


@pytest.mark.parametrize(
    ("language", "email_words", "pdf_words"),
    [
        ("fr", "en répondant à cet e-mail", "en écrivant à info@valneige.test"),
        ("en", "by replying to this e-mail", "by writing to info@valneige.test"),
    ],
)
def test_the_pdf_footer_says_where_to_write_not_to_reply_to_an_email(school, manager, language, email_words, pdf_words):
    quote = sent_quote(school, manager, inquiry=receive_inquiry(school, language=language))

    text = _pdf_text(quote)

    assert email_words in school.legal_footer(language)  # the e-mails keep theirs
    assert email_words not in text
    assert pdf_words in text
    assert "RGPD" in text or "GDPR" in text  # the legal mentions stay


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_pdf_says_how_the_quote_is_paid_while_it_is_to_accept(school, manager, language):
    quote = sent_quote(school, manager, inquiry=receive_inquiry(school, language=language))

    assert ACCEPTING[language] in _pdf_text(quote)

    payment_request(school, manager, quote)
    assert "ESF Val Neige will then send" not in _pdf_text(quote)
    assert "vous enverra ensuite" not in _pdf_text(quote)
