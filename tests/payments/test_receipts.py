"""The client's receipt after each payment: in the dossier's language, once, with the school's signature and footer."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from msem.inquiries.models import InquiryEvent
from msem.mailing.composition import FOOTER_SEPARATOR
from msem.mailing.models import OutgoingEmail
from msem.payments.models import Payment
from msem.payments.services import payment_record
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import payment_request, sent_quote

pytestmark = pytest.mark.django_db


def pay(request, *, reference: str = "pay-1", provider: str = Payment.Provider.SANDBOX, actor=None) -> Payment:
    return payment_record(
        school=request.school_id,
        payment_request_id=request.pk,
        provider=provider,
        provider_reference=reference,
        amount=request.amount,
        actor=actor,
    )


def receipts() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.PAYMENT_RECEIPT).order_by("id"))


class TestReceipt:
    def test_a_deposit_receipt_in_french_says_what_is_left_to_pay(self, school, manager):
        quote = sent_quote(school, manager)  # 378.00
        deposit = payment_request(school, manager, quote, kind="deposit", percentage=Decimal("30"))
        pay(deposit)

        [email] = receipts()
        inquiry = quote.inquiry
        assert email.to_email == "claire.martin@example.org"
        assert email.language == "fr"
        assert email.subject == f"Paiement reçu pour votre devis {quote.number}"
        body = email.text_body
        assert body.startswith("Bonjour Claire Martin,")
        assert (
            f"Nous avons bien reçu votre paiement de 113,40\u00a0€ pour le devis {quote.number}. Merci\u202f!" in body
        )
        assert f"Référence du paiement\u00a0: {deposit.reference}" in body
        assert f"Votre demande\u00a0: {inquiry.reference}" in body
        assert "Moyen de paiement\u00a0: Bac à sable (démo)" in body
        assert "Reste à payer\u00a0: 264,60\u00a0€" in body
        assert (
            "Votre devis est maintenant entièrement payé" not in body
        )  # the next step says "une fois … entièrement payé"
        assert "L’équipe ESF Val Neige" in body  # the school's signature
        assert f"{FOOTER_SEPARATOR}\nESF Val Neige — Les informations recueillies" in body  # the legal footer
        assert "113,40" in email.html_body

    def test_a_deposit_receipt_says_what_happens_next_as_the_payment_page_does(self, school, manager):
        """The receipt said "Reste à payer : 264,60 €" and stopped: how and when to pay it was on the page only."""
        quote = sent_quote(school, manager)
        pay(payment_request(school, manager, quote, kind="deposit", percentage=Decimal("30")))
        [email] = receipts()
        assert (
            "Prochaine étape\u00a0: ESF Val Neige vous enverra par e-mail un lien pour payer le solde de "
            "264,60\u00a0€\u202f; votre réservation est confirmée une fois le devis entièrement payé."
            in email.text_body
        )

    def test_the_balance_receipt_says_the_quote_is_fully_paid(self, school, manager):
        quote = sent_quote(school, manager)
        pay(payment_request(school, manager, quote, kind="deposit", amount=Decimal("100")), reference="dep")
        pay(payment_request(school, manager, quote), reference="bal")
        deposit_receipt, balance_receipt = receipts()
        assert "Reste à payer\u00a0: 278,00\u00a0€" in deposit_receipt.text_body
        assert "Nous avons bien reçu votre paiement de 278,00\u00a0€" in balance_receipt.text_body
        # As the payment page says it: a family wants to read that the booking is confirmed, not only "paid".
        assert (
            "Votre devis est maintenant entièrement payé\u00a0: votre réservation est confirmée."
            in balance_receipt.text_body
        )
        assert "Reste à payer" not in balance_receipt.text_body

    def test_in_english_for_a_request_made_in_english(self, school, manager):
        inquiry = receive_inquiry(school, language="en", first_name="John", last_name="Smith", email="john@example.com")
        quote = sent_quote(school, manager, inquiry=inquiry)
        pay(payment_request(school, manager, quote, kind="deposit", amount=Decimal("100")))

        [email] = receipts()
        assert email.language == "en"
        assert email.subject == f"Payment received for your quote {quote.number}"
        assert email.text_body.startswith("Hello John Smith,")
        assert f"We have received your payment of €100.00 for the quote {quote.number}. Thank you!" in email.text_body
        assert "Left to pay: €278.00" in email.text_body
        assert "The ESF Val Neige team" in email.text_body
        assert f"{FOOTER_SEPARATOR}\nESF Val Neige — The information collected" in email.text_body

    def test_it_comes_from_the_school_marked_automatic_and_is_in_the_timeline(self, school, manager):
        quote = sent_quote(school, manager)
        pay(payment_request(school, manager, quote))
        [email] = receipts()
        assert email.from_email.startswith('"ESF Val Neige"') or email.from_email.startswith("ESF Val Neige")
        # The school's e-mails ask the client to reply: a "no-reply" sender beside that read as spam.
        assert not re.search(r"no-?reply", email.from_email, re.IGNORECASE)
        assert email.reply_to == quote.inquiry.subject.email  # like the quote and the payment request
        assert email.headers["Auto-Submitted"] == "auto-generated"
        event = InquiryEvent.objects.get(email=email)
        assert (event.inquiry_id, event.kind, event.actor) == (quote.inquiry_id, InquiryEvent.Kind.EMAIL, None)

    def test_a_bank_transfer_recorded_by_staff_gets_a_receipt_too(self, school, manager):
        quote = sent_quote(school, manager)
        pay(payment_request(school, manager, quote), provider=Payment.Provider.BANK_TRANSFER, actor=manager)
        [email] = receipts()
        assert "Moyen de paiement\u00a0: Virement bancaire" in email.text_body

    def test_the_same_payment_told_twice_sends_one_receipt(self, school, manager):
        request = payment_request(school, manager, sent_quote(school, manager))
        pay(request, reference="same")
        pay(request, reference="same")
        assert len(receipts()) == 1
