"""A refused quote or payment-request e-mail is sent again as it was only while its link still works.

Between the refusal and the corrected address the quote may have been changed, cancelled, accepted or
let expire, the payment request paid, cancelled, replaced or expired: a copy would bring the client a
dead link, or ask her to pay what is paid. The secretary is told so, and what to send instead.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from msem.mailing.delivery import outbox_deliver
from msem.mailing.models import OutgoingEmail
from msem.payments.models import Payment, PaymentRequest
from msem.payments.services import payment_record, payment_request_cancel, payment_request_send
from msem.quotes.models import Quote
from msem.quotes.sending import quote_url
from msem.quotes.services import quote_accept, quote_cancel, quote_reopen, quote_send
from tests.backoffice.test_client_email_correction import RIGHT, TYPO, USER_UNKNOWN, dossier_url, speaking
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import draft_quote, payment_request

pytestmark = pytest.mark.django_db


def deliver() -> None:
    OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).update(next_attempt_at=timezone.now())
    outbox_deliver(time_budget=10)


def refused_for_good(smtp_server, kind: str) -> OutgoingEmail:
    """The mail server refuses the mistyped address: every e-mail queued to it fails for good."""
    smtp_server.handler.data_answer = USER_UNKNOWN
    deliver()
    smtp_server.handler.data_answer = None
    failed = OutgoingEmail.objects.filter(kind=kind, to_email=TYPO).latest("id")
    assert (failed.status, failed.last_error) == (OutgoingEmail.Status.FAILED, USER_UNKNOWN)
    return failed


def resend_url(inquiry, email: OutgoingEmail) -> str:
    return f"{dossier_url(inquiry.school, inquiry)}emails/{email.pk}/resend/"


@pytest.fixture
def quote(school, secretary, secretary_client) -> Quote:
    """A quote sent to a mistyped address, refused; the secretary has since corrected the address."""
    speaking(secretary, "en")
    inquiry = receive_inquiry(school, email=TYPO)
    deliver()  # the acknowledgement and the notification, before the quote
    quote = draft_quote(school, secretary, inquiry=inquiry)
    quote_send(school=school, actor=secretary, quote_id=quote.pk, subject="Votre devis", body="Voici : {quote_link}")
    quote.refresh_from_db()
    return quote


def correct_the_address(secretary_client, inquiry) -> None:
    response = secretary_client.post(dossier_url(inquiry.school, inquiry) + "client-email/", {"email": RIGHT})
    assert response.status_code == 302


def expire(quote: Quote) -> None:
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - timedelta(days=1))


QUOTE_CHANGES = {
    "reopened": (
        lambda school, actor, quote: quote_reopen(school=school, actor=actor, quote_id=quote.pk),
        "has been changed or withdrawn since this e-mail: a copy would give the client a link that no longer "
        "works. Send the quote as it is now from “Ski lessons”.",
    ),
    "cancelled": (
        lambda school, actor, quote: quote_cancel(school=school, actor=actor, quote_id=quote.pk),
        "has been changed or withdrawn since this e-mail",
    ),
    "accepted": (
        lambda school, actor, quote: quote_accept(school=school, quote_id=quote.pk, token=quote.token),
        "The client has already accepted quote {number}: there is no need to send this e-mail again.",
    ),
    "expired": (
        lambda school, actor, quote: expire(quote),
        "is past its validity date: its link no longer works. In “Ski lessons”, give it a new date, "
        "then send it again from there.",
    ),
}


@pytest.mark.parametrize("change", list(QUOTE_CHANGES))
def test_a_quote_changed_since_its_email_was_refused_is_not_sent_again_as_it_was(
    secretary_client, secretary, quote, smtp_server, change
):
    school = quote.school
    failed = refused_for_good(smtp_server, OutgoingEmail.Kind.QUOTE)
    inquiry = quote.inquiry
    correct_the_address(secretary_client, inquiry)
    act, words = QUOTE_CHANGES[change]
    act(school, secretary, quote)
    words = words.format(number=quote.number)

    # The Client panel says why, and offers no button that would send the dead link.
    page = secretary_client.get(dossier_url(school, inquiry)).content.decode()
    assert words in page
    assert resend_url(inquiry, failed) not in page

    # A page opened before the change still has the button: pressing it sends nothing and says why.
    response = secretary_client.post(resend_url(inquiry, failed))

    assert response.status_code == 409
    assert words in response.content.decode()
    deliver()
    assert [m for m in smtp_server.to(RIGHT) if m.message["Subject"] == failed.subject] == []
    assert not OutgoingEmail.objects.filter(to_email=RIGHT, kind=OutgoingEmail.Kind.QUOTE).exists()


def test_the_quote_sent_again_as_it_is_now_reaches_the_client_and_settles_the_refusal(
    secretary_client, secretary, school, quote, smtp_server
):
    failed = refused_for_good(smtp_server, OutgoingEmail.Kind.QUOTE)
    inquiry = quote.inquiry
    correct_the_address(secretary_client, inquiry)
    old_link = quote_url(quote)
    quote_reopen(school=school, actor=secretary, quote_id=quote.pk)

    # What the refusal said to do: send the quote as it is now, from the quote's own form.
    response = secretary_client.post(
        f"/backoffice/{school.slug}/quotes/{quote.pk}/send/",
        {"subject": "Votre devis {quote_number}", "body": "Voici le devis corrigé : {quote_link}"},
    )

    assert response.status_code == 302
    deliver()
    [received] = smtp_server.to(RIGHT)
    quote.refresh_from_db()
    assert quote_url(quote) in received.text
    assert old_link not in received.text
    # The client has the quote now: the old refusal no longer waits on the Client panel.
    page = secretary_client.get(dossier_url(school, inquiry)).content.decode()
    assert "not delivered" not in page
    assert resend_url(inquiry, failed) not in page


def test_a_quote_unchanged_goes_again_and_its_copy_is_checked_as_the_refused_one_was(
    secretary_client, secretary, school, quote, smtp_server
):
    failed = refused_for_good(smtp_server, OutgoingEmail.Kind.QUOTE)
    inquiry = quote.inquiry
    correct_the_address(secretary_client, inquiry)

    # Unchanged, the quote's link still works: the copy goes, with its PDF, to the corrected address.
    assert secretary_client.post(resend_url(inquiry, failed)).status_code == 302
    smtp_server.handler.data_answer = "550 5.2.1 Mailbox disabled"
    deliver()
    smtp_server.handler.data_answer = None
    copy = OutgoingEmail.objects.get(to_email=RIGHT)
    assert copy.status == OutgoingEmail.Status.FAILED
    assert quote_url(quote) in copy.text_body

    # The copy is refused in turn, and the quote is cancelled meanwhile: the copy is not sent again either.
    quote_cancel(school=school, actor=secretary, quote_id=quote.pk)
    response = secretary_client.post(resend_url(inquiry, copy))

    assert response.status_code == 409
    assert f"Quote {quote.number} has been changed or withdrawn since this e-mail" in response.content.decode()
    assert OutgoingEmail.objects.filter(to_email=RIGHT).count() == 1


def pay(payment_request: PaymentRequest) -> None:
    payment_record(
        school=payment_request.school_id,
        payment_request_id=payment_request.pk,
        provider=Payment.Provider.BANK_TRANSFER,
        provider_reference=f"VIR-{payment_request.pk}",
        amount=payment_request.amount,
    )


PAYMENT_CHANGES = {
    "paid": (
        lambda school, actor, quote, asked: pay(asked),
        "Payment request {reference} is already paid: there is no need to send this e-mail again.",
    ),
    "cancelled": (
        lambda school, actor, quote, asked: payment_request_cancel(
            school=school, actor=actor, payment_request_id=asked.pk
        ),
        "Payment request {reference} has been cancelled or replaced since this e-mail: its link no longer works. "
        "Send the payment request waiting now, or a new one, from “Ski lessons”.",
    ),
    "replaced": (
        lambda school, actor, quote, asked: payment_request(
            school, actor, quote, kind=PaymentRequest.Kind.DEPOSIT, percentage=Decimal("30")
        ),
        "Payment request {reference} has been cancelled or replaced since this e-mail",
    ),
    "quote reopened": (
        lambda school, actor, quote, asked: quote_reopen(school=school, actor=actor, quote_id=quote.pk),
        "Payment request {reference} has been cancelled or replaced since this e-mail",
    ),
    "expired": (
        lambda school, actor, quote, asked: PaymentRequest.objects.filter(pk=asked.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        ),
        "The link of payment request {reference} has expired: make a new payment request from “Ski lessons”.",
    ),
}


@pytest.mark.parametrize("change", list(PAYMENT_CHANGES))
def test_a_payment_request_settled_or_replaced_since_its_email_was_refused_is_not_sent_again(
    secretary_client, secretary, quote, smtp_server, change
):
    school = quote.school
    asked = payment_request_send(
        school=school, actor=secretary, quote_id=quote.pk, kind=PaymentRequest.Kind.FULL, replaces=None
    )
    failed = refused_for_good(smtp_server, OutgoingEmail.Kind.PAYMENT_REQUEST)
    inquiry = quote.inquiry
    correct_the_address(secretary_client, inquiry)
    act, words = PAYMENT_CHANGES[change]
    act(school, secretary, quote, asked)
    words = words.format(reference=asked.reference)

    page = secretary_client.get(dossier_url(school, inquiry)).content.decode()
    assert words in page
    assert resend_url(inquiry, failed) not in page

    response = secretary_client.post(resend_url(inquiry, failed))

    assert response.status_code == 409
    assert words in response.content.decode()
    deliver()
    assert [m for m in smtp_server.to(RIGHT) if m.message["Subject"] == failed.subject] == []
    assert not OutgoingEmail.objects.filter(to_email=RIGHT, kind=OutgoingEmail.Kind.PAYMENT_REQUEST).exists()
