"""The client's confirmation of a quote accepted on its page: once, in the quote's language, with the next step."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from msem.inquiries.models import InquiryEvent
from msem.mailing.composition import FOOTER_SEPARATOR
from msem.mailing.delivery import outbox_deliver
from msem.mailing.models import OutgoingEmail
from msem.payments.links import payment_link_token
from msem.payments.models import PaymentRequest
from msem.quotes.models import Quote
from msem.quotes.services import quote_accept, quote_line_add, quote_reopen, quote_send
from tests.html_forms import page_text
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import lesson_day, payment_request, product_with_price, sent_quote

pytestmark = pytest.mark.django_db


def page(quote: Quote, language: str | None = None) -> str:
    return reverse(
        "public_site:quote",
        kwargs={"language": language or quote.language, "school_slug": quote.school.slug, "token": quote.link_token},
    )


def confirmations() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.QUOTE_ACCEPTED).order_by("id"))


def english_quote(school, manager) -> Quote:
    inquiry = receive_inquiry(school, language="en", first_name="John", last_name="Smith", email="john@example.com")
    return sent_quote(school, manager, inquiry=inquiry)


class TestWhatTheClientReads:
    def test_in_french_the_summary_the_total_and_that_the_school_sends_the_payment_link(self, school, manager):
        quote = sent_quote(school, manager)  # 2 participants × 189,00 € = 378,00 €
        client = Client()
        assert client.post(page(quote)).status_code == 302

        [email] = confirmations()
        day = timezone.localdate().strftime("%d/%m/%Y")
        lesson = lesson_day().strftime("%d/%m/%Y")
        assert (email.to_email, email.language) == ("claire.martin@example.org", "fr")
        assert email.subject == f"Votre devis {quote.number} est accepté"
        body = email.text_body
        assert body.startswith("Bonjour Claire Martin,\n\n")
        assert f"Vous avez accepté ce devis le {day}. Merci\u202f!" in body
        # The lines as the quote e-mail words them.
        assert f"Devis {quote.number}\n" in body
        assert (
            f"• Cours collectif Flocon — 6 matinées — {lesson} — 2 participants — 189,00\u00a0€ par personne"
            " — total 378,00\u00a0€" in body
        )
        assert "Total TTC\u00a0: 378,00\u00a0€" in body
        next_step = (
            "Prochaine étape\u00a0: ESF Val Neige vous enverra par e-mail un lien pour payer 378,00\u00a0€\u202f; "
            "votre réservation est confirmée une fois le devis entièrement payé."
        )
        assert next_step in body
        assert f"{page(quote)}\n" in body  # the link the client has, with its version
        assert quote.link_token in page(quote)
        assert "/pay/" not in body
        assert "L’équipe ESF Val Neige" in body  # the school's signature
        assert f"{FOOTER_SEPARATOR}\nESF Val Neige — Les informations recueillies" in body  # the legal footer
        assert "Voir votre devis" in email.html_body  # the link's button
        assert "378,00" in email.html_body

        # The quote's page says the same next step.
        assert next_step in re.sub(r"[ \n]+", " ", page_text(client.get(page(quote))))

    def test_in_english_with_a_deposit_waiting_the_link_to_pay_it(self, school, manager):
        quote = english_quote(school, manager)
        deposit = payment_request(school, manager, quote, kind="deposit", percentage=Decimal("30"))  # €113.40
        quote_accept(school=school, quote_id=quote.pk, token=quote.token, version=quote.version)

        [email] = confirmations()
        assert email.language == "en"
        assert email.subject == f"Your quote {quote.number} is accepted"
        body = email.text_body
        assert body.startswith("Hello John Smith,")
        assert f"Quote {quote.number}\n" in body
        assert "Group lesson Flocon — 6 mornings" in body
        assert "Total including VAT: €378.00" in body
        next_step = "Next step: pay the deposit of €113.40 to confirm your booking."
        assert next_step in body
        pay_link = reverse("public_site:pay", kwargs={"language": "en", "token": payment_link_token(deposit)})
        assert f"{pay_link}\nThis link is valid until " in body
        assert "will send you a link" not in body
        assert "The ESF Val Neige team" in body
        assert f"{FOOTER_SEPARATOR}\nESF Val Neige — The information collected" in body
        html = email.html_body
        assert ">Pay €113.40</a>" in html
        assert ">View your quote</a>" in html

        # The page offers the same payment, in the same words: the deposit, not "pay €113.40" (QA).
        quote_page = page_text(Client().get(page(quote)))
        assert next_step in quote_page
        assert ">Pay €113.40</a>" in quote_page

    def test_in_french_the_page_and_the_e_mail_both_say_the_deposit(self, school, manager):
        """QA: the page said « payez 113,40 € » where the e-mail said « l'acompte de 113,40 € »."""
        quote = sent_quote(school, manager)
        payment_request(school, manager, quote, kind="deposit", percentage=Decimal("30"))
        client = Client()
        client.post(page(quote))
        [email] = confirmations()
        next_step = "Prochaine étape\u00a0: payez l’acompte de 113,40\u00a0€ pour confirmer votre réservation."
        assert next_step in email.text_body
        quote_page = re.sub(r"[ \n]+", " ", page_text(client.get(page(quote))))
        assert next_step in quote_page
        # Read in English, the same page says it in English.
        english = page_text(client.get(page(quote, "en")))
        assert "Next step: pay the deposit of €113.40 to confirm your booking." in english

    def test_a_request_of_the_whole_amount_waiting_is_given_without_the_word_deposit(self, school, manager):
        quote = sent_quote(school, manager)
        payment_request(school, manager, quote)
        quote_accept(school=school, quote_id=quote.pk, token=quote.token)
        [email] = confirmations()
        next_step = "Prochaine étape\u00a0: payez le montant total de 378,00\u00a0€ pour confirmer votre réservation."
        assert next_step in email.text_body
        assert "acompte" not in email.text_body
        assert next_step in re.sub(r"[ \n]+", " ", page_text(Client().get(page(quote))))

    def test_an_expired_payment_link_is_not_given_the_school_will_send_a_new_one(self, school, manager):
        quote = sent_quote(school, manager)
        request = payment_request(school, manager, quote, kind="deposit", amount=Decimal("100"))
        PaymentRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        client = Client()
        client.post(page(quote))
        [email] = confirmations()
        assert "/pay/" not in email.text_body
        assert "ESF Val Neige vous enverra par e-mail un lien pour payer 378,00\u00a0€" in email.text_body
        # And the page does not offer a link that would only say it expired.
        quote_page = page_text(client.get(page(quote)))
        assert "vous enverra par e-mail un lien pour payer 378,00\u00a0€" in quote_page
        assert "Payer 100,00" not in quote_page


class TestOnceAndOnlyOnAcceptance:
    def test_a_double_click_or_a_replayed_post_sends_one_confirmation(self, school, manager):
        quote = sent_quote(school, manager)
        client = Client()
        client.post(page(quote))
        client.post(page(quote))
        quote_accept(school=school, quote_id=quote.pk, token=quote.token, version=quote.version)
        assert len(confirmations()) == 1
        assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.CLIENT_ACTION).count() == 1

    def test_it_comes_from_the_school_answers_go_to_the_subject_marked_automatic_in_the_timeline(self, school, manager):
        quote = sent_quote(school, manager)
        quote_accept(school=school, quote_id=quote.pk, token=quote.token)
        [email] = confirmations()
        assert email.from_email.startswith('"ESF Val Neige"') or email.from_email.startswith("ESF Val Neige")
        assert email.reply_to == quote.inquiry.subject.email  # like the quote and the receipt
        assert email.headers == {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
        event = InquiryEvent.objects.get(email=email)
        assert (event.inquiry_id, event.kind, event.actor) == (quote.inquiry_id, InquiryEvent.Kind.EMAIL, None)

    def test_a_wrong_token_sends_nothing(self, school, manager):
        quote = sent_quote(school, manager)
        with pytest.raises(PermissionDenied):
            quote_accept(school=school, quote_id=quote.pk, token="forged")
        assert confirmations() == []

    def test_the_link_of_an_older_version_sends_nothing(self, school, manager):
        quote = sent_quote(school, manager)
        old_page = page(quote)
        quote_reopen(school=school, actor=manager, quote_id=quote.pk)
        quote_line_add(
            school=school,
            actor=manager,
            quote_id=quote.pk,
            catalog=None,
            product=product_with_price(school, code="PRIV-1H", name_fr="Cours particulier 1 h", price="72.00"),
            start_date=lesson_day(),
        )
        quote_send(school=school, actor=manager, quote_id=quote.pk, subject="Votre devis {quote_number}", body="V2.")
        assert Client().post(old_page).status_code == 400
        with pytest.raises(ValidationError):
            quote_accept(school=school, quote_id=quote.pk, token=quote.token, version=1)
        assert confirmations() == []
        assert Quote.objects.get(pk=quote.pk).status == Quote.Status.SENT

    def test_a_quote_past_its_validity_sends_nothing(self, school, manager):
        quote = sent_quote(school, manager)
        Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
        with pytest.raises(ValidationError):
            quote_accept(school=school, quote_id=quote.pk, token=quote.token)
        assert confirmations() == []


def test_it_reaches_the_client_through_a_real_mail_server(school, manager, smtp_server):
    quote = english_quote(school, manager)
    quote_accept(school=school, quote_id=quote.pk, token=quote.token, version=quote.version)

    outbox_deliver(time_budget=10)

    received = [item for item in smtp_server.to("john@example.com") if "is accepted" in item.message["Subject"]]
    [confirmation] = received
    message = confirmation.message
    assert message["Subject"] == f"Your quote {quote.number} is accepted"
    assert message["Reply-To"] == quote.inquiry.subject.email
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "All"
    assert "Next step: ESF Val Neige will send you a link by e-mail to pay €378.00" in confirmation.text
    assert "The ESF Val Neige team" in confirmation.text
    assert ">View your quote</a>" in confirmation.html


# The kind's short label in the list of e-mails, and its whole label.
KIND_LABELS = {
    "fr": ("Devis accepté", "Confirmation au client\u00a0: devis accepté"),
    "en": ("Quote accepted", "Confirmation to the client: quote accepted"),
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_back_office_names_it_in_the_emails_page_and_the_timeline(
    secretary_client, secretary, school, manager, language
):
    short, whole = KIND_LABELS[language]
    secretary.language = language
    secretary.save(update_fields=["language"])
    quote = sent_quote(school, manager)
    quote_accept(school=school, quote_id=quote.pk, token=quote.token)
    [email] = confirmations()

    emails_page = page_text(secretary_client.get(f"/backoffice/{school.slug}/emails/"))
    assert f'<td role="cell" class="col-kind" title="{whole}">{short}</td>' in emails_page
    email_page = page_text(secretary_client.get(f"/backoffice/{school.slug}/emails/{email.pk}/"))
    assert whole in email_page
    dossier = page_text(secretary_client.get(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/"))
    assert f'href="/backoffice/{school.slug}/emails/{email.pk}/">{whole}</a>' in dossier
