"""Payment requests and payments: asking for money, and recording it once when it comes.

The amount of a request is computed here, on the server, from the quote; the
client's browser never says how much to pay. A payment is applied once per
provider reference, only to a pending request of an unchanged quote, and only
for the amount requested; otherwise nothing changes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from msem.accounts.models import Membership, User
from msem.inquiries.client_actions import ClientAction
from msem.inquiries.dossier import inquiry_client_acted
from msem.inquiries.models import Inquiry, InquiryEvent
from msem.payments.events import payment_event
from msem.payments.links import PaymentLinkInvalid, payment_link_token, payment_request_from_token
from msem.payments.models import Payment, PaymentRequest
from msem.payments.receipts import payment_receipt_queue
from msem.payments.sending import payment_email_queue
from msem.platform.first_of_month import date_format
from msem.platform.moments import time_said
from msem.quotes.formatting import format_money
from msem.quotes.meanwhile import last_quote_move, payment_request_outcome, someone
from msem.quotes.models import Quote
from msem.quotes.pricing import deposit, to_cents
from msem.quotes.services import quote_event, quote_expire_if_due
from msem.sales.services import sale_record
from msem.schools.models import School

MAX_LINK_DAYS = 60
# How long a payment link works unless the secretary says otherwise.
DEFAULT_LINK_DAYS = 7


def payment_request_reference(quote: Quote, number: int) -> str:
    """DEV-2026-00042-P1: the quote's number and the request's rank among the quote's requests."""
    return f"{quote.number}-P{number}"


class PaymentRefused(Exception):
    """A payment that cannot be applied; nothing was changed.

    `reason` says why, for the school's words (msem.payments.not_applied): the request no longer
    waits ("request_closed"), its quote changed ("quote_changed"), or the amount differs ("amount").
    """

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def _require_member(school: School, actor: User) -> None:
    if not Membership.objects.for_school(school).filter(user=actor).exists():
        raise PermissionDenied


def amount_paid(quote: Quote) -> Decimal:
    paid = (
        Payment.objects.for_school(quote.school_id).filter(payment_request__quote=quote).aggregate(total=Sum("amount"))
    )
    return paid["total"] or Decimal("0.00")


def _check_replaced(quote: Quote, waiting_requests: list[PaymentRequest], replaces: int | None, actor: User) -> None:
    """The requests waiting are those the secretary saw, or nothing is made; a colleague's doing is named."""
    unseen = [waiting for waiting in waiting_requests if waiting.pk != replaces]
    if unseen:
        newest = unseen[-1]
        if newest.created_by_id is not None and newest.created_by_id != actor.pk:
            raise ValidationError(
                _(
                    "%(name)s sent payment request %(reference)s at %(time)s, while you had this quote open: yours "
                    "was not sent. Check it before asking again."
                )
                % {
                    "name": someone(newest.created_by),
                    "reference": newest.reference,
                    "time": time_said(newest.created_at),
                },
                code="already_requested",
            )
        raise ValidationError(
            _(
                "Payment request %(reference)s is already waiting for payment (sent a moment ago, by you or a "
                "colleague): this one was not sent. Check it before asking again."
            )
            % {"reference": newest.reference},
            code="already_requested",
        )
    if replaces is not None and not waiting_requests:
        replaced = quote.payment_requests.filter(pk=replaces).first()
        outcome = (
            payment_request_outcome(
                school_id=quote.school_id, inquiry_id=quote.inquiry_id, reference=replaced.reference
            )
            if replaced is not None
            else None
        )
        changed = _(
            "The request you were replacing is no longer waiting for payment (paid or cancelled meanwhile): "
            "nothing was sent. Check the quote before asking again."
        )
        raise ValidationError(
            f"{_outcome_said(outcome)} {changed}" if outcome is not None else changed,
            code="replaced_request_changed",
        )


def _refuse_the_same_money_twice(waiting_requests: list[PaymentRequest], value: Decimal) -> None:
    """A request for the very amount that one still payable asks: the client would get a second e-mail and a
    second link for the same money. The one waiting is reminded instead; its link expired, it is replaced."""
    now = timezone.now()
    same = next((waiting for waiting in waiting_requests if waiting.amount == value and waiting.expires_at > now), None)
    if same is not None:
        language = get_language() or "fr"
        raise ValidationError(
            _(
                "Payment request %(reference)s already asks for %(amount)s and waits for payment until %(day)s: "
                "nothing was sent, the client would be asked twice for the same money. Send them a reminder of it "
                "instead; for a link valid longer, cancel it, then ask again."
            )
            % {
                "reference": same.reference,
                "amount": format_money(value, language),
                "day": date_format(timezone.localtime(same.expires_at), "DATE_FORMAT"),
            },
            code="same_amount_waiting",
        )


def _outcome_said(outcome: InquiryEvent) -> str:
    """Who made the request stop waiting, and when: its payment received, or its cancelling."""
    said = {
        "name": someone(outcome.actor),
        "reference": outcome.data.get("reference", ""),
        "time": time_said(outcome.created_at),
    }
    if outcome.data.get("action") != "received":
        return _("%(name)s cancelled %(reference)s at %(time)s.") % said
    if outcome.actor is None:
        return _("The client paid %(reference)s at %(time)s.") % said
    return _("%(name)s recorded the payment of %(reference)s at %(time)s.") % said


def _check_quote_seen(quote: Quote, seen_version: int | None, actor: User) -> None:
    """The quote is as the secretary saw it when she asked: not changed, sent again or cancelled since."""
    payable = quote.status in (Quote.Status.SENT, Quote.Status.ACCEPTED)
    if seen_version is None or (payable and quote.version == seen_version):
        return
    moved = last_quote_move(quote)
    # The colleague's doing that left the quote as it is now (a quote paid or expired meanwhile is said as before).
    action = moved.data.get("action") if moved is not None and moved.actor_id != actor.pk else None
    explains = {
        "sent": payable,
        "reopened": quote.status == Quote.Status.DRAFT,
        "cancelled": quote.status == Quote.Status.CANCELLED,
    }
    if moved is not None and action is not None and explains[action]:
        said = {"name": someone(moved.actor), "time": time_said(moved.created_at), "number": quote.number}
        message = {
            "sent": _(
                "%(name)s changed quote %(number)s and sent it to the client again at %(time)s, while you had it "
                "open: your payment request was not sent. Check its amount before asking again."
            ),
            "reopened": _(
                "%(name)s reopened quote %(number)s to change it at %(time)s, while you had it open: your payment "
                "request was not sent. Ask for payment once it is sent again."
            ),
            "cancelled": _(
                "%(name)s cancelled quote %(number)s at %(time)s, while you had it open: your payment request was "
                "not sent."
            ),
        }[action]
        raise ValidationError(message % said, code="quote_changed_meanwhile")
    if payable:
        raise ValidationError(
            _(
                "Quote %(number)s changed while you had it open: your payment request was not sent. Check its "
                "amount before asking again."
            )
            % {"number": quote.number},
            code="quote_changed_meanwhile",
        )


@transaction.atomic
def payment_request_create(
    *,
    school: School,
    actor: User,
    quote_id: int,
    kind: str,
    percentage: Decimal | None = None,
    amount: Decimal | None = None,
    valid_days: int = DEFAULT_LINK_DAYS,
    replaces: int | None,
    seen_version: int | None = None,
) -> PaymentRequest:
    """Ask for the whole amount left to pay, or a deposit (a percentage of the total, or an amount).

    A request still waiting is replaced: only one link can be paid at a time.
    `replaces` is the waiting request the secretary saw when she asked (None: none
    was waiting); when another one is waiting, her page was out of date or the same
    form came twice (a double click), and nothing is made. Every caller says what
    it saw: there is no way to ask without this check.

    `seen_version` is the quote's version on her page (None: asked without a page,
    as the demo does): a quote changed, sent again or cancelled by a colleague since
    is not asked for, and the colleague's doing is named (msem.quotes.meanwhile).
    """
    _require_member(school, actor)
    quote = Quote.objects.for_school(school).select_for_update().select_related("inquiry").get(pk=quote_id)
    quote = quote_expire_if_due(quote)
    _check_quote_seen(quote, seen_version, actor)
    if quote.status not in (Quote.Status.SENT, Quote.Status.ACCEPTED):
        raise ValidationError(_("Payment can only be asked for a sent or accepted quote."), code="quote_not_payable")
    if not 1 <= valid_days <= MAX_LINK_DAYS:
        raise ValidationError(
            _("A payment link is valid between 1 and %(max)d days.") % {"max": MAX_LINK_DAYS}, code="link_days"
        )
    total = quote.totals().including_vat
    remaining = total - amount_paid(quote)
    if remaining <= 0:
        raise ValidationError(_("This quote is already paid."), code="already_paid")
    if kind == PaymentRequest.Kind.DEPOSIT:
        if percentage is not None and not Decimal("0") < percentage < Decimal("100"):
            raise ValidationError(_("A deposit is a percentage between 0 and 100."), code="invalid_deposit")
        # An amount typed above the total is refused for that reason too, not as "give the deposit".
        if amount is not None and amount > remaining:
            raise _more_than_left_to_pay(remaining)
        try:
            value = deposit(total=total, percentage=percentage, amount=amount)
        except ValueError as error:
            raise ValidationError(
                _("Give the deposit as a percentage or an amount."), code="invalid_deposit"
            ) from error
        if value > remaining:
            raise _more_than_left_to_pay(remaining)
    elif kind == PaymentRequest.Kind.FULL:
        value, percentage = remaining, None
        kind = PaymentRequest.Kind.BALANCE if remaining < total else PaymentRequest.Kind.FULL
    else:
        raise ValidationError(_("Unknown kind of payment request."), code="invalid_kind")

    waiting_requests = list(quote.payment_requests.filter(status=PaymentRequest.Status.PENDING))
    _check_replaced(quote, waiting_requests, replaces, actor)
    _refuse_the_same_money_twice(waiting_requests, value)
    for waiting in waiting_requests:
        waiting.status = PaymentRequest.Status.CANCELLED
        waiting.save(update_fields=["status"])
        payment_event(waiting, actor, "replaced")
    count = quote.payment_requests.count()
    expires_at = timezone.now() + timedelta(days=valid_days)
    payment_request = PaymentRequest.objects.create(
        school=school,
        quote=quote,
        reference=payment_request_reference(quote, count + 1),
        kind=kind,
        percentage=percentage,
        amount=value,
        quote_version=quote.version,
        expires_at=expires_at,
        created_by=actor,
    )
    payment_event(payment_request, actor, "requested", kind=kind)
    return payment_request


@transaction.atomic
def payment_record(
    *,
    school: School | int,
    payment_request_id: int,
    provider: str,
    provider_reference: str,
    amount: Decimal,
    actor: User | None = None,
    received_at: datetime | None = None,
) -> Payment:
    """Apply money received: once per provider reference, for the amount asked, on an unchanged quote.

    When the quote is then fully paid, the quote and the dossier become paid
    and the Sale is recorded for 4807.
    """
    existing = Payment.objects.filter(provider=provider, provider_reference=provider_reference).first()
    if existing is not None:
        return existing
    payment_request = PaymentRequest.objects.for_school(school).select_for_update().get(pk=payment_request_id)
    quote = Quote.objects.for_school(school).select_for_update().get(pk=payment_request.quote_id)
    if payment_request.status != PaymentRequest.Status.PENDING:
        raise PaymentRefused(
            f"payment request {payment_request.reference} is {payment_request.status}", reason="request_closed"
        )
    if quote.version != payment_request.quote_version or quote.status not in (Quote.Status.SENT, Quote.Status.ACCEPTED):
        raise PaymentRefused(
            f"quote {quote.number} changed since the request ({quote.status}, v{quote.version})", reason="quote_changed"
        )
    if to_cents(amount) != payment_request.amount:
        raise PaymentRefused(f"{amount} received where {payment_request.amount} was asked", reason="amount")
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                school_id=payment_request.school_id,
                payment_request=payment_request,
                provider=provider,
                provider_reference=provider_reference,
                amount=payment_request.amount,
                received_at=received_at or timezone.now(),
                recorded_by=actor,
            )
    except IntegrityError:
        # The same payment told twice at the same moment: the first one counts.
        return Payment.objects.get(provider=provider, provider_reference=provider_reference)
    payment_request.status = PaymentRequest.Status.PAID
    payment_request.paid_at = payment.received_at
    payment_request.save(update_fields=["status", "paid_at"])
    payment_event(payment_request, actor, "received", provider=provider)
    if quote.status == Quote.Status.SENT:
        quote.status = Quote.Status.ACCEPTED
        quote.accepted_at = timezone.now()
        quote.save(update_fields=["status", "accepted_at"])
        quote_event(quote, None, "accepted")
    remaining = max(quote.totals().including_vat - amount_paid(quote), Decimal("0.00"))
    if remaining == 0:
        _quote_paid(quote)
    # Only a payment recorded for the first time gets here (a replay returned above):
    # the dossier is the school's turn, told unless staff recorded it (she knows),
    # and the client gets one receipt.
    inquiry_client_acted(
        school=school,
        inquiry_id=quote.inquiry_id,
        action=ClientAction(
            kind=ClientAction.PAYMENT_RECEIVED,
            quote_number=quote.number,
            payment_reference=payment_request.reference,
            amount=payment.amount,
            remaining=remaining,
        ),
        notify=actor is None,
    )
    payment_receipt_queue(payment=payment, remaining=remaining)
    return payment


def _quote_paid(quote: Quote) -> None:
    quote.status = Quote.Status.PAID
    quote.paid_at = timezone.now()
    quote.save(update_fields=["status", "paid_at"])
    quote_event(quote, None, "paid")
    inquiry = Inquiry.objects.for_school(quote.school_id).select_for_update().get(pk=quote.inquiry_id)
    if inquiry.status != Inquiry.Status.PAID:
        InquiryEvent.objects.create(
            school_id=quote.school_id,
            inquiry=inquiry,
            kind=InquiryEvent.Kind.STATUS_CHANGED,
            data={"before": inquiry.status, "after": Inquiry.Status.PAID},
        )
        Inquiry.objects.for_school(quote.school_id).filter(pk=inquiry.pk).update(
            status=Inquiry.Status.PAID, version=F("version") + 1
        )
    sale_record(quote=quote)


@transaction.atomic
def payment_request_cancel(*, school: School, actor: User, payment_request_id: int) -> PaymentRequest:
    _require_member(school, actor)
    payment_request = PaymentRequest.objects.for_school(school).select_for_update().get(pk=payment_request_id)
    if payment_request.status != PaymentRequest.Status.PENDING:
        raise ValidationError(_("Only a request waiting for payment can be cancelled."), code="not_pending")
    payment_request.status = PaymentRequest.Status.CANCELLED
    payment_request.save(update_fields=["status"])
    payment_event(payment_request, actor, "cancelled")
    return payment_request


@transaction.atomic
def payment_request_send(
    *,
    school: School,
    actor: User,
    quote_id: int,
    kind: str,
    percentage: Decimal | None = None,
    amount: Decimal | None = None,
    valid_days: int = 7,
    subject: str | None = None,
    body: str | None = None,
    replaces: int | None,
    seen_version: int | None = None,
) -> PaymentRequest:
    """Make the request and e-mail its link to the client, together or not at all."""
    payment_request = payment_request_create(
        school=school,
        actor=actor,
        quote_id=quote_id,
        kind=kind,
        percentage=percentage,
        amount=amount,
        valid_days=valid_days,
        replaces=replaces,
        seen_version=seen_version,
    )
    payment_email_queue(payment_request=payment_request, actor=actor, subject=subject, body=body)
    return payment_request


@transaction.atomic
def payment_request_remind(*, school: School, actor: User, payment_request_id: int) -> PaymentRequest:
    """Send the same link again; only while it can still be paid."""
    _require_member(school, actor)
    payment_request = (
        PaymentRequest.objects.for_school(school)
        .select_for_update()
        .select_related("quote__inquiry")
        .get(pk=payment_request_id)
    )
    try:
        payment_request_from_token(payment_link_token(payment_request))
    except PaymentLinkInvalid as error:
        raise ValidationError(
            _("This payment link can no longer be used: make a new request."), code=error.reason
        ) from error
    payment_email_queue(payment_request=payment_request, actor=actor, reminder=True)
    payment_request.reminders_sent = F("reminders_sent") + 1
    payment_request.last_reminded_at = timezone.now()
    payment_request.save(update_fields=["reminders_sent", "last_reminded_at"])
    payment_event(payment_request, actor, "reminded")
    return PaymentRequest.objects.for_school(school).get(pk=payment_request.pk)


def _more_than_left_to_pay(remaining: Decimal) -> ValidationError:
    # Written as the page around the message writes amounts: "264,60 €", "€264.60".
    return ValidationError(
        _("A deposit is at most what is left to pay (%(remaining)s).")
        % {"remaining": format_money(remaining, get_language() or "fr")},
        code="invalid_deposit",
    )
