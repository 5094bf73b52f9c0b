"""Payment requests, links and payments: the money state changes only when it must."""

from __future__ import annotations

import html
import json
import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from msem.inquiries.models import Inquiry
from msem.mailing.delivery import outbox_deliver
from msem.mailing.models import MailTemplate, OutgoingEmail
from msem.payments.links import PaymentLinkInvalid, payment_link_token, payment_request_from_token
from msem.payments.models import Payment, PaymentRequest, ProviderEvent
from msem.payments.services import (
    PaymentRefused,
    payment_record,
    payment_request_create,
    payment_request_remind,
    payment_request_send,
)
from msem.quotes.models import Quote
from msem.quotes.services import quote_reopen
from msem.sales.models import Sale
from tests.inquiries.helpers import receive_inquiry
from tests.payments.stripe_server import FakeStripe, completed_event, signature
from tests.quotes.helpers import payment_request, sent_quote

pytestmark = pytest.mark.django_db
WEBHOOK_SECRET = "whsec_test_secret"


def pay(request: PaymentRequest, reference: str = "ref-1", amount: Decimal | None = None) -> Payment:
    return payment_record(
        school=request.school_id,
        payment_request_id=request.pk,
        provider=Payment.Provider.SANDBOX,
        provider_reference=reference,
        amount=request.amount if amount is None else amount,
    )


class TestRequests:
    def test_the_amount_is_computed_on_the_server(self, school, manager):
        quote = sent_quote(school, manager)  # 2 × 189.00
        full = payment_request(school, manager, quote)
        assert (full.kind, full.amount) == ("full", Decimal("378.00"))
        deposit = payment_request(school, manager, quote, kind="deposit", percentage=Decimal("30"))
        assert deposit.amount == Decimal("113.40")
        full.refresh_from_db()
        assert full.status == PaymentRequest.Status.CANCELLED  # one link payable at a time

    @pytest.mark.parametrize(
        "options",
        [
            {"kind": "deposit"},
            {"kind": "deposit", "percentage": Decimal("0")},
            {"kind": "deposit", "percentage": Decimal("100")},
            {"kind": "deposit", "amount": Decimal("-5")},
            {"kind": "deposit", "amount": Decimal("500")},
            {"kind": "deposit", "percentage": Decimal("30"), "amount": Decimal("50")},
            {"kind": "everything"},
            {"kind": "full", "valid_days": 0},
        ],
    )
    def test_bad_requests_are_refused(self, school, manager, options):
        quote = sent_quote(school, manager)
        with pytest.raises(ValidationError):
            payment_request_create(school=school, actor=manager, quote_id=quote.pk, replaces=None, **options)
        assert not PaymentRequest.objects.exists()

    @pytest.mark.parametrize(
        ("language", "said"),
        [
            ("fr", "Un acompte ne dépasse pas le reste à payer (264,60\u00a0€)."),
            ("en", "A deposit is at most what is left to pay (€264.60)."),
        ],
    )
    def test_a_deposit_above_what_is_left_says_the_amount_as_the_page_writes_it(self, school, manager, language, said):
        """QA: "(264.60 €)" in both languages, a decimal point in French and the euro after in English."""
        quote = sent_quote(school, manager)  # 2 × 189.00
        pay(payment_request(school, manager, quote, kind="deposit", percentage=Decimal("30")))  # 113.40
        with translation.override(language), pytest.raises(ValidationError) as refused:
            payment_request_create(
                school=school, actor=manager, quote_id=quote.pk, replaces=None, kind="deposit", amount=Decimal("300")
            )
        assert refused.value.messages == [said]

    def test_an_amount_above_the_total_says_it_is_more_than_is_left_to_pay(self, school, manager):
        """QA: 99 999 € said "Give the deposit as a percentage or an amount.", which she had just done."""
        quote = sent_quote(school, manager)  # 2 × 189.00
        with translation.override("fr"), pytest.raises(ValidationError) as refused:
            payment_request_create(
                school=school, actor=manager, quote_id=quote.pk, replaces=None, kind="deposit", amount=Decimal("99999")
            )
        assert refused.value.messages == ["Un acompte ne dépasse pas le reste à payer (378,00\u00a0€)."]
        assert not PaymentRequest.objects.exists()

    def test_a_draft_quote_cannot_be_paid(self, school, manager):
        quote = sent_quote(school, manager)
        quote_reopen(school=school, actor=manager, quote_id=quote.pk)
        with pytest.raises(ValidationError):
            payment_request(school, manager, quote)

    def test_the_email_carries_the_link_and_the_amount_in_the_clients_language(self, school, manager):
        quote = sent_quote(school, manager)
        request = payment_request_send(
            school=school, actor=manager, quote_id=quote.pk, kind="deposit", percentage=Decimal("30"), replaces=None
        )
        email = OutgoingEmail.objects.get(kind="payment_request")
        assert "113,40\u00a0€" in email.text_body
        assert paid_by_the_link_in(email.text_body, language="fr") == request

    def test_a_deposit_email_says_it_is_a_deposit_of_which_total_and_what_is_left_afterwards(self, school, manager):
        """ "merci de régler la somme de 113,40 €" said neither a deposit, on what total, nor what would be left."""
        quote = sent_quote(school, manager)
        payment_request_send(
            school=school, actor=manager, quote_id=quote.pk, kind="deposit", percentage=Decimal("30"), replaces=None
        )
        body = OutgoingEmail.objects.get(kind="payment_request").text_body
        assert "Total TTC\u00a0: 378,00\u00a0€" in body
        assert "Acompte demandé\u00a0: 113,40\u00a0€" in body
        assert "Reste à payer ensuite\u00a0: 264,60\u00a0€" in body

    def test_the_balance_email_in_english_says_what_was_paid_and_that_the_quote_is_then_fully_paid(
        self, school, manager
    ):
        quote = english_quote(school, manager)
        deposit = payment_request_send(
            school=school, actor=manager, quote_id=quote.pk, kind="deposit", percentage=Decimal("30"), replaces=None
        )
        pay(deposit)
        payment_request_send(school=school, actor=manager, quote_id=quote.pk, kind="full", replaces=None)
        body = OutgoingEmail.objects.filter(kind="payment_request").latest("id").text_body
        assert "Already paid: €113.40" in body
        assert "Balance requested: €264.60" in body
        assert "Once this payment is made, your quote is fully paid." in body

    def test_a_reminder_sends_the_same_link_again(self, school, manager):
        quote = sent_quote(school, manager)
        request = payment_request_send(school=school, actor=manager, quote_id=quote.pk, kind="full", replaces=None)
        payment_request_remind(school=school, actor=manager, payment_request_id=request.pk)
        emails = list(OutgoingEmail.objects.filter(kind="payment_request").order_by("id"))
        assert len(emails) == 2
        assert emails[1].subject == f"Rappel\u00a0: {emails[0].subject}"
        assert f"<title>Rappel\u00a0: {emails[0].subject}</title>" in emails[1].html_body  # the HTML part says it too
        assert paid_by_the_link_in(emails[1].text_body, language="fr") == request
        request.refresh_from_db()
        assert request.reminders_sent == 1


def send_full(school, manager, quote: Quote, **email) -> OutgoingEmail:
    payment_request_send(school=school, actor=manager, quote_id=quote.pk, kind="full", replaces=None, **email)
    return OutgoingEmail.objects.filter(kind="payment_request").latest("id")


def english_quote(school, manager) -> Quote:
    inquiry = receive_inquiry(school, language="en", first_name="John", last_name="Smith", email="john@example.com")
    return sent_quote(school, manager, inquiry=inquiry)


def school_subject_line(school, language: str, subject: str) -> None:
    """As a school that wrote its own subject line, before the default one named the quote."""
    MailTemplate.objects.for_school(school).filter(kind="payment_request", language=language).update(subject=subject)


class TestSubjectLine:
    """Two bookings of one client, or a school searching its sent mail: the subject line tells them apart."""

    def test_the_default_names_the_quote_in_the_clients_language(self, school, manager):
        french = sent_quote(school, manager)
        assert send_full(school, manager, french).subject == (
            f"Demande de paiement pour votre devis {french.number} — ESF Val Neige"
        )
        english = english_quote(school, manager)
        assert send_full(school, manager, english).subject == (
            f"Payment request for your quote {english.number} — ESF Val Neige"
        )

    def test_two_bookings_of_one_client_get_two_subject_lines(self, school, manager):
        first, second = sent_quote(school, manager), sent_quote(school, manager)
        assert send_full(school, manager, first).subject != send_full(school, manager, second).subject

    def test_a_schools_own_text_without_the_number_gets_it_at_its_end(self, school, manager):
        school_subject_line(school, "fr", "Demande de paiement — {school_name}")
        school_subject_line(school, "en", "Your payment to {school_name}")
        french, english = sent_quote(school, manager), english_quote(school, manager)

        assert send_full(school, manager, french).subject == (
            f"Demande de paiement — ESF Val Neige (devis {french.number})"
        )
        assert send_full(school, manager, english).subject == f"Your payment to ESF Val Neige (quote {english.number})"

    def test_a_reminder_keeps_it(self, school, manager):
        school_subject_line(school, "fr", "Demande de paiement — {school_name}")
        quote = sent_quote(school, manager)
        request = payment_request_send(school=school, actor=manager, quote_id=quote.pk, kind="full", replaces=None)
        payment_request_remind(school=school, actor=manager, payment_request_id=request.pk)
        reminder = OutgoingEmail.objects.filter(kind="payment_request").latest("id")
        assert reminder.subject == f"Rappel\u00a0: Demande de paiement — ESF Val Neige (devis {quote.number})"

    def test_a_subject_line_that_has_it_is_sent_as_written(self, school, manager):
        quote, other = sent_quote(school, manager), sent_quote(school, manager)
        assert send_full(school, manager, quote, subject="{quote_number} : votre acompte").subject == (
            f"{quote.number} : votre acompte"
        )
        assert send_full(school, manager, other, subject=f"Solde du devis {other.number}").subject == (
            f"Solde du devis {other.number}"
        )

    def test_it_reaches_the_client_through_a_real_mail_server(self, school, manager, smtp_server):
        quote = english_quote(school, manager)
        send_full(school, manager, quote)

        outbox_deliver(time_budget=10)

        [received] = [
            item for item in smtp_server.to("john@example.com") if "Payment request" in item.message["Subject"]
        ]
        assert received.message["Subject"] == f"Payment request for your quote {quote.number} — ESF Val Neige"
        assert f"<title>Payment request for your quote {quote.number} — ESF Val Neige</title>" in received.html


def paid_by_the_link_in(body: str, *, language: str) -> PaymentRequest:
    """The request the e-mail's payment link pays.

    The link is signed with the second it was made in: the token made again here, a second
    later, would differ from the e-mail's, though both pay the same request.
    """
    [token] = re.findall(rf"/{language}/pay/([-:\w]+)/", body)
    return payment_request_from_token(token)


class TestLinks:
    def test_a_valid_link_gives_its_request(self, school, manager):
        request = payment_request(school, manager, sent_quote(school, manager))
        assert payment_request_from_token(payment_link_token(request)) == request

    def test_a_tampered_link_is_unknown(self, school, manager):
        request = payment_request(school, manager, sent_quote(school, manager))
        token = payment_link_token(request)
        for bad in (token[:-2] + "xx", token.replace(":", "-", 1), "abc"):
            with pytest.raises(PaymentLinkInvalid) as error:
                payment_request_from_token(bad)
            assert error.value.reason == "unknown"

    def test_the_link_stops_when_the_quote_changes(self, school, manager):
        quote = sent_quote(school, manager)
        request = payment_request(school, manager, quote)
        token = payment_link_token(request)
        quote_reopen(school=school, actor=manager, quote_id=quote.pk)
        with pytest.raises(PaymentLinkInvalid) as error:
            payment_request_from_token(token)
        assert error.value.reason in {"changed", "unknown"}

    def test_the_link_expires(self, school, manager):
        request = payment_request(school, manager, sent_quote(school, manager))
        PaymentRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        with pytest.raises(PaymentLinkInvalid) as error:
            payment_request_from_token(payment_link_token(request))
        assert error.value.reason == "expired"

    def test_the_link_stops_once_paid(self, school, manager):
        request = payment_request(school, manager, sent_quote(school, manager))
        pay(request)
        with pytest.raises(PaymentLinkInvalid) as error:
            payment_request_from_token(payment_link_token(request))
        assert error.value.reason == "paid"


class TestPayments:
    def test_a_deposit_then_the_balance_make_the_quote_and_the_dossier_paid_and_record_the_sale(self, school, manager):
        quote = sent_quote(school, manager)
        deposit = payment_request(school, manager, quote, kind="deposit", percentage=Decimal("30"))
        pay(deposit, "dep")
        quote.refresh_from_db()
        assert quote.status == Quote.Status.ACCEPTED
        assert not Sale.objects.exists()

        balance = payment_request(school, manager, quote)
        assert (balance.kind, balance.amount) == ("balance", Decimal("264.60"))
        pay(balance, "bal")

        quote.refresh_from_db()
        assert quote.status == Quote.Status.PAID
        assert Inquiry.objects.get(pk=quote.inquiry_id).status == Inquiry.Status.PAID
        sale = Sale.objects.get()
        assert sale.total == Decimal("378.00")
        assert sale.client_email == quote.inquiry.email
        assert sale.lines[0]["product_code"] == "COLL-FLOCON-6AM"
        assert [p["reference"] for p in sale.payment_references] == ["dep", "bal"]

    def test_the_same_payment_told_twice_counts_once(self, school, manager):
        request = payment_request(school, manager, sent_quote(school, manager))
        first = pay(request, "same")
        second = pay(request, "same")
        assert first == second
        assert Payment.objects.count() == 1
        assert Sale.objects.count() == 1

    def test_a_wrong_amount_changes_nothing(self, school, manager):
        request = payment_request(school, manager, sent_quote(school, manager))
        with pytest.raises(PaymentRefused):
            pay(request, amount=Decimal("1.00"))
        request.refresh_from_db()
        assert request.status == PaymentRequest.Status.PENDING
        assert not Payment.objects.exists()

    def test_a_payment_for_a_changed_quote_changes_nothing(self, school, manager):
        quote = sent_quote(school, manager)
        request = payment_request(school, manager, quote)
        quote_reopen(school=school, actor=manager, quote_id=quote.pk)
        with pytest.raises(PaymentRefused):
            pay(request)
        assert not Payment.objects.exists()
        quote.refresh_from_db()
        assert quote.status == Quote.Status.DRAFT

    def test_a_payment_for_a_replaced_request_changes_nothing(self, school, manager):
        quote = sent_quote(school, manager)
        old = payment_request(school, manager, quote)
        payment_request(school, manager, quote, kind="deposit", amount=Decimal("50"))
        with pytest.raises(PaymentRefused):
            pay(old)
        assert not Payment.objects.exists()


@pytest.fixture
def fake_stripe(settings):
    server = FakeStripe().start()
    settings.MSEM_STRIPE_SECRET_KEY = "sk_test_msem"
    settings.MSEM_STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.MSEM_STRIPE_API_BASE = server.url
    yield server
    server.stop()


def send_webhook(payload: bytes, header: str):
    return Client().post(
        reverse("public_site:stripe_webhook"),
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


class TestStripe:
    def start_checkout(self, school, manager):
        request = payment_request(school, manager, sent_quote(school, manager))
        token = payment_link_token(request)
        response = Client().post(reverse("public_site:pay_card", kwargs={"language": "fr", "token": token}))
        return request, response

    def test_the_client_goes_to_a_checkout_session_for_exactly_the_amount(self, school, manager, fake_stripe):
        request, response = self.start_checkout(school, manager)
        assert response.status_code == 302
        [session] = fake_stripe.sessions.values()
        assert response["Location"] == session["url"]
        assert session["amount_total"] == 37800
        assert session["currency"] == "eur"
        assert session["metadata"]["payment_request"] == str(request.pk)
        assert session["metadata"]["school"] == str(school.pk)
        assert fake_stripe.requests[0]["headers"]["Idempotency-Key"] == f"{request.reference}-v{request.quote_version}"

    def test_a_second_click_gives_the_same_session(self, school, manager, fake_stripe):
        request, _response = self.start_checkout(school, manager)
        token = payment_link_token(request)
        Client().post(reverse("public_site:pay_card", kwargs={"language": "fr", "token": token}))
        assert len(fake_stripe.sessions) == 1

    def test_the_signed_webhook_records_the_payment_once(self, school, manager, fake_stripe):
        self.start_checkout(school, manager)
        [session] = fake_stripe.sessions.values()
        payload = completed_event(session, event_id="evt_1")

        first = send_webhook(payload, signature(payload, WEBHOOK_SECRET))
        again = send_webhook(payload, signature(payload, WEBHOOK_SECRET))

        assert first.status_code == again.status_code == 200
        assert first.content.decode().startswith("applied pi_")
        assert again.content == b"already applied"
        payment = Payment.objects.get()
        assert (payment.provider, payment.amount) == ("stripe", Decimal("378.00"))
        assert Quote.objects.get().status == Quote.Status.PAID
        assert ProviderEvent.objects.count() == 1

    def test_a_replayed_webhook_sends_the_client_one_receipt_and_the_school_one_notice(
        self, school, manager, fake_stripe
    ):
        self.start_checkout(school, manager)
        [session] = fake_stripe.sessions.values()
        payload = completed_event(session, event_id="evt_1")
        send_webhook(payload, signature(payload, WEBHOOK_SECRET))
        send_webhook(payload, signature(payload, WEBHOOK_SECRET))
        # The same payment in another event: recorded once, by its payment intent.
        other = payload.replace(b'"evt_1"', b'"evt_2"')
        send_webhook(other, signature(other, WEBHOOK_SECRET))

        assert Payment.objects.count() == 1
        [receipt] = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.PAYMENT_RECEIPT)
        assert "Moyen de paiement\u00a0: Carte (Stripe)" in receipt.text_body
        assert (
            "Votre devis est maintenant entièrement payé\u00a0: votre réservation est confirmée." in receipt.text_body
        )
        assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.CLIENT_ACTION).count() == 1

    def test_a_forged_or_stale_signature_is_refused(self, school, manager, fake_stripe):
        self.start_checkout(school, manager)
        [session] = fake_stripe.sessions.values()
        payload = completed_event(session)
        for header in (
            signature(payload, "whsec_wrong"),
            signature(payload, WEBHOOK_SECRET, timestamp=int(time.time()) - 3600),
            "",
            "t=1,v1=deadbeef",
        ):
            assert send_webhook(payload, header).status_code == 400
        assert not Payment.objects.exists()
        assert not ProviderEvent.objects.exists()

    def test_an_amount_that_differs_from_the_request_is_not_applied(self, school, manager, fake_stripe):
        self.start_checkout(school, manager)
        [session] = fake_stripe.sessions.values()
        payload = completed_event(session, amount=100)
        response = send_webhook(payload, signature(payload, WEBHOOK_SECRET))
        assert response.status_code == 200
        assert response.content.decode().startswith("refused")
        assert not Payment.objects.exists()
        assert PaymentRequest.objects.get().status == "pending"

    def test_a_card_payment_for_a_request_replaced_meanwhile_is_told_to_the_school_once(
        self, school, manager, fake_stripe
    ):
        """The client paid on a card page opened before the secretary replaced the request: Stripe took the
        money, Msem did not count it, and only the server's log said so; nobody at the school knew."""
        request, _response = self.start_checkout(school, manager)
        [session] = fake_stripe.sessions.values()
        payment_request(school, manager, request.quote, kind="deposit", amount=Decimal("50"))
        payload = completed_event(session, event_id="evt_late")
        intent = json.loads(payload)["data"]["object"]["payment_intent"]

        first = send_webhook(payload, signature(payload, WEBHOOK_SECRET))
        again = send_webhook(payload, signature(payload, WEBHOOK_SECRET))

        assert first.content.decode().startswith("refused")
        assert again.content == b"already applied"
        assert not Payment.objects.exists()
        [alert] = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.ALERT, to_email=manager.email)
        inquiry = request.quote.inquiry
        amount = "378,00\u00a0€"
        assert alert.subject == f"[Msem] Un paiement par carte de {amount} n’a pas été compté ({inquiry.reference})"
        assert f"pour la demande de paiement {request.reference}" in alert.text_body
        assert "elle avait été remplacée, annulée ou déjà payée" in alert.text_body
        assert f"Stripe de votre école (paiement {intent})" in alert.text_body
        assert "remboursez-le" in alert.text_body

        manager_client = Client()
        manager_client.force_login(manager)
        page = manager_client.get(
            reverse("backoffice:inquiry", kwargs={"school_slug": school.slug, "reference": inquiry.reference})
        )
        text = html.unescape(page.content.decode())
        assert f"un paiement par carte de {amount} a été pris, non compté" in text
        assert f"Stripe de votre école (paiement {intent})" in text

    def test_a_card_payment_of_another_amount_says_what_was_asked_in_english(self, school, manager, fake_stripe):
        manager.language = "en"
        manager.save(update_fields=["language"])
        self.start_checkout(school, manager)
        [session] = fake_stripe.sessions.values()
        payload = completed_event(session, amount=100)

        send_webhook(payload, signature(payload, WEBHOOK_SECRET))

        [alert] = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.ALERT)
        assert alert.subject.startswith("[Msem] A card payment of €1.00 was not counted")
        assert "The request asked for €378.00: a different amount is never counted." in alert.text_body

    def test_card_payment_is_not_offered_without_keys(self, school, manager, settings):
        settings.MSEM_STRIPE_SECRET_KEY = ""
        request = payment_request(school, manager, sent_quote(school, manager))
        response = Client().post(
            reverse("public_site:pay_card", kwargs={"language": "fr", "token": payment_link_token(request)})
        )
        assert response.status_code == 404
