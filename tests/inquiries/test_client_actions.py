"""A client who accepts a quote or pays brings the dossier back to the school: inbox, status, timeline, e-mail."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from msem.inquiries.dossier import PanelChange, inquiries_archive, inquiry_panel_update
from msem.inquiries.inbox import InboxCriteria, inbox_page
from msem.inquiries.models import Inquiry, InquiryEvent
from msem.mailing.models import OutgoingEmail
from msem.payments.models import Payment
from msem.payments.services import payment_record
from msem.quotes.formatting import format_money
from msem.quotes.models import Quote
from tests.html_forms import page_text
from tests.quotes.helpers import payment_request, sent_quote

pytestmark = pytest.mark.django_db


def accept_on_its_page(quote: Quote, language: str = "en") -> None:
    url = reverse(
        "public_site:quote", kwargs={"language": language, "school_slug": quote.school.slug, "token": quote.token}
    )
    assert Client().post(url).status_code == 302


def in_the_inbox(inquiry: Inquiry) -> bool:
    page = inbox_page(school=inquiry.school, criteria=InboxCriteria(text=inquiry.reference))
    return [row.reference for row in page.rows] == [inquiry.reference]


def school_notifications() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.CLIENT_ACTION).order_by("id"))


def archived_after_sending(school, secretary) -> Quote:
    """QA's DEM-2026-00415: a quote sent, then the dossier archived."""
    quote = sent_quote(school, secretary)
    inquiries_archive(school=school, actor=secretary, inquiry_ids=[quote.inquiry_id])
    assert not in_the_inbox(quote.inquiry)
    return quote


def dossier_page(client: Client, inquiry: Inquiry) -> str:
    url = reverse("backoffice:inquiry", kwargs={"school_slug": inquiry.school.slug, "reference": inquiry.reference})
    return page_text(client.get(url))


class TestQuoteAccepted:
    def test_an_archived_dossier_comes_back_to_the_inbox_in_progress(self, school, secretary):
        quote = archived_after_sending(school, secretary)
        accept_on_its_page(quote)

        inquiry = Inquiry.objects.get(pk=quote.inquiry_id)
        assert inquiry.archived_at is None
        assert inquiry.status == Inquiry.Status.IN_PROGRESS
        assert in_the_inbox(inquiry)
        unarchived = InquiryEvent.objects.get(inquiry=inquiry, kind=InquiryEvent.Kind.UNARCHIVED)
        assert unarchived.actor is None
        assert unarchived.data == {"because": "quote_accepted", "quote": quote.number}
        moved = InquiryEvent.objects.filter(inquiry=inquiry, kind=InquiryEvent.Kind.STATUS_CHANGED).last()
        assert (moved.data["before"], moved.data["after"]) == ("waiting_for_client", "in_progress")

    def test_the_timeline_says_why_in_french_and_english(self, school, secretary, secretary_client):
        quote = archived_after_sending(school, secretary)
        accept_on_its_page(quote)
        page = dossier_page(secretary_client, quote.inquiry)
        assert f"Sortie des archives\u00a0: le client a accepté le devis {quote.number}" in page
        assert f"En attente du client → En cours — le client a accepté le devis {quote.number}" in page
        secretary.language = "en"
        secretary.save(update_fields=["language"])
        page = dossier_page(secretary_client, quote.inquiry)
        assert f"Taken out of the archive: the client accepted the quote {quote.number}" in page

    def test_the_subjects_address_is_told_in_french_with_a_link_to_the_dossier(self, school, secretary):
        quote = sent_quote(school, secretary)
        inquiry = quote.inquiry
        # Nobody's dossier: the address the request was routed to.
        Inquiry.objects.filter(pk=inquiry.pk).update(assignee=None)
        accept_on_its_page(quote)

        [email] = school_notifications()
        assert email.to_email == inquiry.subject.email
        assert email.language == "fr"
        assert email.subject == f"[{inquiry.reference}] {quote.number} accepté par le client — Claire Martin"
        assert f"Claire Martin a accepté le devis {quote.number} sur sa page." in email.text_body
        assert "envoyez la demande de paiement" in email.text_body
        assert f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/" in email.text_body
        assert email.reply_to == "Claire Martin <claire.martin@example.org>"
        assert InquiryEvent.objects.filter(inquiry=inquiry, kind=InquiryEvent.Kind.EMAIL, email=email).exists()

    def test_a_payment_request_already_waiting_is_named_rather_than_asked_again(self, school, secretary):
        """QA: told to send the payment request, the school would replace the link the client was just given."""
        quote = sent_quote(school, secretary)
        request = payment_request(school, secretary, quote)
        accept_on_its_page(quote)

        [email] = school_notifications()
        amount = format_money(request.amount, "fr")
        said = (
            f"Prochaine étape\u00a0: rien à envoyer. La demande de paiement {request.reference} de {amount} "
            "attend\u202f; le client en a le lien dans sa confirmation. Réservez les cours une fois qu’elle est payée."
        )
        for body in (email.text_body, email.html_body):
            assert said in body
            assert "envoyez la demande de paiement" not in body
        assert f"Demande de paiement\u00a0: {request.reference}" in email.text_body

    def test_the_assignee_is_told_rather_than_the_subjects_address(self, school, secretary):
        quote = sent_quote(school, secretary)  # sending it made the dossier hers
        accept_on_its_page(quote)
        [email] = school_notifications()
        assert email.to_email == secretary.email

    def test_an_assignee_who_works_in_english_is_told_in_english(self, school, secretary):
        """She chose English for her back office; the notice came in French all the same."""
        secretary.language = "en"
        secretary.save(update_fields=["language"])
        quote = sent_quote(school, secretary)  # sending it made the dossier hers
        request = payment_request(school, secretary, quote)
        accept_on_its_page(quote)

        [email] = school_notifications()
        amount = format_money(request.amount, "en")
        assert email.to_email == secretary.email
        assert email.language == "en"
        assert email.subject == f"[{quote.inquiry.reference}] {quote.number} accepted by the client — Claire Martin"
        said = (
            f"Next step: nothing to send. The payment request {request.reference} of {amount} is waiting; "
            "the client has its link in their confirmation e-mail. Book the lessons once it is paid."
        )
        for body in (email.text_body, email.html_body):
            assert said in body
        assert "Prochaine étape" not in email.text_body

    def test_a_second_click_tells_nobody_again(self, school, secretary):
        quote = sent_quote(school, secretary)
        accept_on_its_page(quote)
        accept_on_its_page(quote)
        assert len(school_notifications()) == 1

    def test_a_won_dossier_keeps_its_status(self, school, secretary):
        quote = sent_quote(school, secretary)
        inquiry = Inquiry.objects.get(pk=quote.inquiry_id)
        change = PanelChange(
            category=inquiry.category, subject=inquiry.subject, assignee=inquiry.assignee, status=Inquiry.Status.WON
        )
        inquiry_panel_update(
            school=school, actor=secretary, inquiry_id=inquiry.pk, expected_version=inquiry.version, change=change
        )
        accept_on_its_page(quote)
        assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.WON
        assert len(school_notifications()) == 1


def pay(request, *, provider=Payment.Provider.SANDBOX, reference="pay-1", actor=None) -> Payment:
    return payment_record(
        school=request.school_id,
        payment_request_id=request.pk,
        provider=provider,
        provider_reference=reference,
        amount=request.amount,
        actor=actor,
    )


class TestPaymentReceived:
    def test_a_deposit_brings_the_dossier_back_and_tells_the_school_whats_left(self, school, secretary):
        """QA's DEM-2026-00416: a deposit paid left the dossier waiting for the client, and nobody knew."""
        quote = archived_after_sending(school, secretary)
        deposit = payment_request(school, secretary, quote, kind="deposit", percentage=Decimal("30"))  # 113.40 of 378
        pay(deposit)

        inquiry = Inquiry.objects.get(pk=quote.inquiry_id)
        assert in_the_inbox(inquiry)
        assert inquiry.status == Inquiry.Status.IN_PROGRESS
        unarchived = InquiryEvent.objects.get(inquiry=inquiry, kind=InquiryEvent.Kind.UNARCHIVED)
        assert unarchived.data == {
            "because": "payment_received",
            "quote": quote.number,
            "payment_reference": deposit.reference,
            "amount": "113.40",
        }
        [email] = school_notifications()
        assert email.to_email == secretary.email
        assert (
            email.subject == f"Paiement de 113,40\u00a0€ reçu pour {inquiry.reference} ({quote.number}) — Claire Martin"
        )
        assert "Reste à payer\u00a0: 264,60\u00a0€" in email.text_body
        assert deposit.reference in email.text_body

    def test_the_whole_amount_makes_the_dossier_paid_and_says_so(self, school, secretary, secretary_client):
        quote = archived_after_sending(school, secretary)
        pay(payment_request(school, secretary, quote))

        inquiry = Inquiry.objects.get(pk=quote.inquiry_id)
        assert inquiry.status == Inquiry.Status.PAID  # not "in progress" on its way: one status change
        assert in_the_inbox(inquiry)
        statuses = InquiryEvent.objects.filter(inquiry=inquiry, kind=InquiryEvent.Kind.STATUS_CHANGED)
        assert [(e.data["before"], e.data["after"]) for e in statuses][-1] == ("waiting_for_client", "paid")
        [email] = school_notifications()
        assert "Le devis est entièrement payé" in email.text_body
        assert "Sortie des archives\u00a0: paiement de 378,00\u00a0€ reçu" in dossier_page(secretary_client, inquiry)

    def test_a_transfer_recorded_by_staff_tells_no_one_but_brings_the_dossier_back(self, school, secretary):
        """She typed it in herself: an e-mail to her, or to her colleagues' address, would only be noise."""
        quote = archived_after_sending(school, secretary)
        request = payment_request(school, secretary, quote, kind="deposit", amount=Decimal("100"))
        pay(request, provider=Payment.Provider.BANK_TRANSFER, reference="VIR-0042", actor=secretary)
        assert school_notifications() == []
        inquiry = Inquiry.objects.get(pk=quote.inquiry_id)
        assert in_the_inbox(inquiry)
        assert inquiry.status == Inquiry.Status.IN_PROGRESS

    def test_the_same_payment_told_twice_tells_the_school_once(self, school, secretary):
        request = payment_request(school, secretary, sent_quote(school, secretary))
        pay(request, reference="same")
        pay(request, reference="same")
        assert len(school_notifications()) == 1


# The notice's line in the timeline, which says what the client did: QA read "Notice to the school: quote
# accepted or payment received to secretaire@…", the e-mail's kind, as if the school had not been told which.
NOTICE = {
    "fr": (
        "Avis à l’école\u00a0: le client a accepté le devis {quote}",
        "Avis à l’école\u00a0: paiement de {amount} reçu ({reference})",
    ),
    "en": (
        "Notice to the school: the client accepted the quote {quote}",
        "Notice to the school: payment of {amount} received ({reference})",
    ),
}
TO = {"fr": "à", "en": "to"}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_timeline_says_which_notice_the_school_was_sent(school, secretary, secretary_client, language):
    secretary.language = language
    secretary.save(update_fields=["language"])
    quote = sent_quote(school, secretary)
    accept_on_its_page(quote)
    deposit = payment_request(school, secretary, quote, kind="deposit", percentage=Decimal("30"))  # 113.40 of 378
    pay(deposit)
    accepted, paid = school_notifications()

    page = dossier_page(secretary_client, quote.inquiry)

    said_accepted, said_paid = NOTICE[language]
    amount = format_money(Decimal("113.40"), language)
    for email, said in (
        (accepted, said_accepted.format(quote=quote.number)),
        (paid, said_paid.format(amount=amount, reference=deposit.reference)),
    ):
        link = f'<a href="/backoffice/{school.slug}/emails/{email.pk}/">{said}</a>'
        to = f'{TO[language]} <span class="email-address">{secretary.email}</span> —'
        assert re.search(rf"{re.escape(link)}\s+{re.escape(to)}", page), said
    assert "quote accepted or payment received" not in page
    assert "devis accepté ou paiement reçu" not in page
