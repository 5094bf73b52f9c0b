"""Writes of quotes: create, add and change lines, send, accept, reopen, cancel, expire.

Every change of a quote's lines or validity bumps its version, so that a
payment link made for an older version stops working. Every change of status
writes a line in the dossier's timeline.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from msem.accounts.models import Membership, User
from msem.catalog.models import Catalog, Product
from msem.catalog.selectors import price_for
from msem.inquiries.client_actions import ClientAction
from msem.inquiries.dossier import inquiry_answered, inquiry_client_acted
from msem.inquiries.models import Inquiry, InquiryEvent
from msem.mailing.models import OutgoingEmail
from msem.payments.events import payment_event
from msem.payments.models import PaymentRequest
from msem.payments.pay_link import payment_request_waiting
from msem.platform.first_of_month import date_format
from msem.platform.moments import time_said
from msem.quotes.acceptance import quote_acceptance_queue
from msem.quotes.meanwhile import DraftStarted, draft_of_dossier, last_quote_move, quotes_sent, someone
from msem.quotes.models import MAX_LINE_PARTICIPANTS, MAX_QUANTITY, QUOTE_TRANSITIONS, Quote, QuoteLine
from msem.quotes.sending import quote_email_queue
from msem.schools.models import School
from msem.schools.services import document_number_next

QUOTE_SERIES = "DEV"
LATEST_LESSON = timedelta(days=550)


def _require_member(school: School, actor: User) -> None:
    if not Membership.objects.for_school(school).filter(user=actor).exists():
        raise PermissionDenied


def quote_event(quote: Quote, actor: User | None, action: str, **data: Any) -> InquiryEvent:
    return InquiryEvent.objects.create(
        school_id=quote.school_id,
        inquiry_id=quote.inquiry_id,
        kind=InquiryEvent.Kind.QUOTE,
        actor=actor,
        data={"action": action, "number": quote.number, **data},
    )


def _locked_quote(school: School, quote_id: int) -> Quote:
    return (
        Quote.objects.for_school(school)
        .select_for_update(of=("self",))
        .select_related("inquiry", "inquiry__subject")
        .get(pk=quote_id)
    )


def _move(quote: Quote, status: str) -> None:
    if status not in QUOTE_TRANSITIONS[quote.status]:
        raise ValidationError(
            _("A quote cannot go from “%(current)s” to “%(new)s”.")
            % {"current": quote.get_status_display(), "new": Quote.Status(status).label},
            code="invalid_quote_transition",
        )
    quote.status = status


def _require_draft(quote: Quote) -> None:
    if quote.status != Quote.Status.DRAFT:
        raise ValidationError(_("Only a draft quote can be changed."), code="quote_not_draft")


def _bump(quote: Quote) -> None:
    scoped = Quote.objects.for_school(quote.school_id).filter(pk=quote.pk)
    scoped.update(version=F("version") + 1)
    quote.version = scoped.values_list("version", flat=True).get()


def quote_number(*, year: int, number: int) -> str:
    """DEV-2026-00042: a quote's number, given in turn per school and year without gaps."""
    return f"{QUOTE_SERIES}-{year}-{number:05d}"


@transaction.atomic
def quote_create(*, school: School, actor: User, inquiry_id: int) -> Quote:
    _require_member(school, actor)
    inquiry = Inquiry.objects.for_school(school).get(pk=inquiry_id)
    _refuse_if_draft_started(school, inquiry, actor=actor)
    today = timezone.localdate()
    number = document_number_next(school=school, series=QUOTE_SERIES, year=today.year)
    try:
        with transaction.atomic():
            quote = Quote.objects.create(
                school=school,
                inquiry=inquiry,
                number=quote_number(year=today.year, number=number),
                language=inquiry.language,
                valid_until=today + timedelta(days=school.quote_validity_days),
                prices_include_vat=school.prices_include_vat,
                vat_rate=school.vat_rate,
                token=secrets.token_urlsafe(32),
                created_by=actor,
            )
    except IntegrityError:
        # A colleague's "New quote" pressed at the same instant passed the check above too: the database
        # kept one draft (quote_one_draft_per_dossier). Hers is named; this one, and its number, are not made.
        _refuse_if_draft_started(school, inquiry, actor=actor)
        raise
    quote_event(quote, actor, "created")
    return quote


def _refuse_if_draft_started(school: School, inquiry: Inquiry, *, actor: User) -> None:
    """One quote is prepared at a time on a dossier: "New quote" pressed twice, or by two colleagues at once,
    leads to the draft already there, named with who started it and when (msem.quotes.meanwhile)."""
    started = draft_of_dossier(school_id=school.pk, inquiry_id=inquiry.pk)
    if started is not None:
        raise ValidationError(_draft_started_said(started, actor=actor), code="draft_exists")


def _draft_started_said(started: DraftStarted, *, actor: User) -> str:
    said = {"name": someone(started.actor), "number": started.quote.number, "time": time_said(started.moment)}
    if started.actor is not None and started.actor.pk == actor.pk:
        message = _(
            "You already started quote %(number)s at %(time)s (in another tab, or with a second click): it is "
            "still a draft, below. Add your products to it; a dossier has one draft at a time."
        )
    elif started.reopened:
        message = _(
            "%(name)s reopened quote %(number)s to change it at %(time)s, while you had this dossier open: it is "
            "a draft again, below. Change it rather than making a second quote; a dossier has one draft at a time."
        )
    else:
        message = _(
            "%(name)s created quote %(number)s at %(time)s, while you had this dossier open: it is still a draft, "
            "below. Add your products to it rather than making a second quote; a dossier has one draft at a time."
        )
    return message % said


def _check_line_values(*, start_date: date, end_date: date | None, participants: int, quantity: int) -> None:
    today = timezone.localdate()
    if start_date < today:
        raise ValidationError(_("The date is in the past."), code="past_date")
    if start_date > today + LATEST_LESSON:
        raise ValidationError(_("The date is too far ahead."), code="far_date")
    if end_date is not None and end_date < start_date:
        raise ValidationError(_("The end is before the start."), code="end_before_start")
    if not 1 <= participants <= MAX_LINE_PARTICIPANTS:
        raise ValidationError(
            _("The number of participants is between 1 and %(max)d.") % {"max": MAX_LINE_PARTICIPANTS},
            code="participants",
        )
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError(_("The quantity is between 1 and %(max)d.") % {"max": MAX_QUANTITY}, code="quantity")


def _price_or_error(school: School, catalog: Catalog | None, product: Product, on: date) -> Any:
    if product.school_id != school.pk or (catalog is not None and catalog.school_id != school.pk):
        raise ValidationError(_("This product is not one of the school's."), code="foreign_product")
    price = price_for(school=school, catalog=catalog, product=product, on=on)
    if price is None:
        raise ValidationError(
            _("%(product)s is not sold in this price list on %(day)s (outside its season, or not in this list).")
            % {"product": product.name_fr, "day": date_format(on, "DATE_FORMAT")},
            code="not_sold_then",
        )
    return price


@transaction.atomic
def quote_line_add(
    *,
    school: School,
    actor: User,
    quote_id: int,
    catalog: Catalog | None,
    product: Product,
    start_date: date,
    end_date: date | None = None,
    participants: int = 1,
    quantity: int = 1,
) -> QuoteLine:
    """Add a product at the price of the chosen list on its start date; the price is frozen now."""
    _require_member(school, actor)
    quote = _locked_quote(school, quote_id)
    _require_draft(quote)
    _check_line_values(start_date=start_date, end_date=end_date, participants=participants, quantity=quantity)
    price = _price_or_error(school, catalog, product, start_date)
    position = (quote.lines.aggregate(last=Max("position"))["last"] or 0) + 1
    line = QuoteLine.objects.create(
        school=school,
        quote=quote,
        product=product,
        catalog=catalog,
        catalog_code=catalog.code if catalog else "",
        product_code=product.code,
        name_fr=product.name_fr,
        name_en=product.name_en,
        pricing_unit=product.pricing_unit,
        unit_price=price.unit_price,
        start_date=start_date,
        end_date=end_date,
        participants=participants,
        quantity=quantity,
        position=position,
    )
    _bump(quote)
    return line


@transaction.atomic
def quote_line_update(
    *,
    school: School,
    actor: User,
    line_id: int,
    start_date: date,
    end_date: date | None,
    participants: int,
    quantity: int,
) -> QuoteLine:
    """Change dates, participants or quantity; the frozen price stays, the product must still be sold then."""
    _require_member(school, actor)
    line = QuoteLine.objects.for_school(school).select_related("product", "catalog").get(pk=line_id)
    quote = _locked_quote(school, line.quote_id)
    _require_draft(quote)
    _check_line_values(start_date=start_date, end_date=end_date, participants=participants, quantity=quantity)
    if line.product is not None and start_date != line.start_date:
        _price_or_error(school, line.catalog, line.product, start_date)
    line.start_date, line.end_date, line.participants, line.quantity = start_date, end_date, participants, quantity
    line.save(update_fields=["start_date", "end_date", "participants", "quantity"])
    _bump(quote)
    return line


@transaction.atomic
def quote_line_remove(*, school: School, actor: User, line_id: int) -> None:
    _require_member(school, actor)
    line = QuoteLine.objects.for_school(school).get(pk=line_id)
    quote = _locked_quote(school, line.quote_id)
    _require_draft(quote)
    line.delete()
    _bump(quote)


@transaction.atomic
def quote_validity_set(*, school: School, actor: User, quote_id: int, valid_until: date) -> Quote:
    _require_member(school, actor)
    quote = _locked_quote(school, quote_id)
    _require_draft(quote)
    if valid_until < timezone.localdate():
        raise ValidationError(_("The validity date is in the past."), code="past_validity")
    quote.valid_until = valid_until
    quote.save(update_fields=["valid_until"])
    _bump(quote)
    return quote


@transaction.atomic
def quote_send(
    *, school: School, actor: User, quote_id: int, subject: str, body: str, seen_sent_id: int | None = None
) -> OutgoingEmail:
    """Send the quote to the client (text, summary, link, PDF attached) and mark it sent.

    seen_sent_id: the last quote sent to the client on the page she sent from
    (msem.quotes.meanwhile.last_quote_sent_id). Two secretaries each preparing a
    quote for the same request: the second one to send is stopped when a colleague
    sent the client a quote in the meantime, rather than the client getting two
    quotes with two prices.
    """
    _require_member(school, actor)
    quote = _locked_quote(school, quote_id)
    if seen_sent_id is not None:
        _refuse_if_sent_meanwhile(quote, actor=actor, seen_sent_id=seen_sent_id)
    if quote.status == Quote.Status.SENT:
        _refuse_if_she_sent_it(quote, actor=actor)
    if not quote.lines.exists():
        raise ValidationError(_("Add at least one product before sending the quote."), code="empty_quote")
    if quote.valid_until < timezone.localdate():
        raise ValidationError(_("The validity date is in the past: change it first."), code="past_validity")
    _move(quote, Quote.Status.SENT)
    quote.sent_at = timezone.now()
    quote.save(update_fields=["status", "sent_at"])
    email = quote_email_queue(quote=quote, actor=actor, subject=subject, body=body)
    quote_event(quote, actor, "sent", total=str(quote.totals().including_vat))
    inquiry_answered(school=school, actor=actor, inquiry_id=quote.inquiry_id)
    return email


def quote_send_refusal(*, quote: Quote, actor: User, seen_sent_id: int | None) -> str:
    """Why a quote that is no longer a draft cannot be sent, in the words "Send the quote" would say it.

    For the preview of the quote e-mail: a colleague who sent or cancelled it while her panel was open is
    named, with the time, as quote_send names them, rather than a bare "only a draft can be sent".
    """
    try:
        if seen_sent_id is not None:
            _refuse_if_sent_meanwhile(quote, actor=actor, seen_sent_id=seen_sent_id)
        if quote.status == Quote.Status.SENT:
            _refuse_if_she_sent_it(quote, actor=actor)
    except ValidationError as error:
        return error.messages[0]
    return str(_("Only a draft quote can be sent."))


def _refuse_if_she_sent_it(quote: Quote, *, actor: User) -> None:
    """ "Send the quote" pressed twice, or sent again from a page of before: it left once, which she is told."""
    moved = last_quote_move(quote)
    if moved is not None and moved.data.get("action") == "sent" and moved.actor_id == actor.pk:
        raise ValidationError(
            _("Quote %(number)s left at %(time)s: it was sent once.")
            % {"number": quote.number, "time": time_said(moved.created_at)},
            code="already_sent",
        )


def _refuse_if_sent_meanwhile(quote: Quote, *, actor: User, seen_sent_id: int) -> None:
    newer = quotes_sent(quote.inquiry).filter(pk__gt=seen_sent_id).exclude(actor=actor).select_related("actor").first()
    if newer is not None:
        said = {"name": someone(newer.actor), "time": time_said(newer.created_at), "number": newer.data.get("number")}
        if newer.data.get("number") == quote.number:
            message = _(
                "%(name)s sent this quote (%(number)s) to the client at %(time)s, while you had it open: it left "
                "once, with their text. Read it in the timeline."
            )
        else:
            # One draft per dossier (quote_one_draft_per_dossier): theirs could leave only once hers was cancelled.
            said["yours"] = quote.number
            message = _(
                "%(name)s sent quote %(number)s to the client at %(time)s, while you were preparing yours: quote "
                "%(yours)s, cancelled meanwhile, was not sent. Read theirs in the timeline."
            )
        raise ValidationError(message % said, code="sent_meanwhile")
    if quote.status == Quote.Status.CANCELLED:
        moved = last_quote_move(quote)
        if moved is not None and moved.data.get("action") == "cancelled" and moved.actor_id != actor.pk:
            raise ValidationError(
                _("%(name)s cancelled quote %(number)s at %(time)s, while you had it open: it was not sent.")
                % {"name": someone(moved.actor), "time": time_said(moved.created_at), "number": quote.number},
                code="cancelled_meanwhile",
            )


def quote_expire_if_due(quote: Quote) -> Quote:
    """A sent quote past its validity date is expired (checked whenever it is used)."""
    if quote.status == Quote.Status.SENT and quote.valid_until < timezone.localdate():
        with transaction.atomic():
            locked = Quote.objects.for_school(quote.school_id).select_for_update().get(pk=quote.pk)
            if locked.status == Quote.Status.SENT:
                locked.status = Quote.Status.EXPIRED
                locked.save(update_fields=["status"])
                quote_event(locked, None, "expired")
            quote.status = locked.status
    return quote


def quotes_expire_due(*, batch: int = 500) -> int:
    """Every school's sent quotes past their validity date become expired, each in its dossier's timeline.

    The scheduler runs it hourly, so that the back office shows a quote the
    client let lapse as expired, not as still waiting for an answer.
    """
    expired = 0
    while True:
        due = list(
            Quote.objects.filter(status=Quote.Status.SENT, valid_until__lt=timezone.localdate()).order_by("pk")[:batch]
        )
        for quote in due:
            expired += quote_expire_if_due(quote).status == Quote.Status.EXPIRED
        if len(due) < batch:
            return expired


@task()
def expire_quotes() -> int:
    return quotes_expire_due()


@transaction.atomic
def quote_accept(*, school: School, quote_id: int, token: str, version: int | None = None) -> Quote:
    """The client accepts the quote from its page (the token is the only credential).

    `version` is the one of the client's link: a version since changed cannot be accepted.
    """
    quote = _locked_quote(school, quote_id)
    if not secrets.compare_digest(quote.token, token):
        raise PermissionDenied
    if version is not None and version != quote.version:
        raise ValidationError(_("This quote has changed since it was sent."), code="quote_changed")
    quote_expire_if_due(quote)
    if quote.status == Quote.Status.ACCEPTED:
        return quote
    _move(quote, Quote.Status.ACCEPTED)
    quote.accepted_at = timezone.now()
    quote.save(update_fields=["status", "accepted_at"])
    quote_event(quote, None, "accepted")
    # Nobody at the school saw it: the dossier is theirs again, and they are told. A payment request
    # already waiting is named: its link is in the client's confirmation, and asking again would replace it.
    waiting = payment_request_waiting(quote)
    inquiry_client_acted(
        school=school,
        inquiry_id=quote.inquiry_id,
        action=ClientAction(
            kind=ClientAction.QUOTE_ACCEPTED,
            quote_number=quote.number,
            payment_reference=waiting.reference if waiting is not None else "",
            amount=waiting.amount if waiting is not None else None,
        ),
        notify=True,
    )
    # Only the first acceptance gets here (an accepted quote returned above): the client's one confirmation.
    quote_acceptance_queue(quote=quote)
    return quote


# A second reminder this soon is a double click, or a client sent the same e-mail twice.
REMINDER_INTERVAL = timedelta(minutes=10)


@transaction.atomic
def quote_remind(*, school: School, actor: User, quote_id: int) -> Quote:
    """Remind the client of a quote sent and not yet accepted ("Relancer le client").

    The school's "Envoi de devis" text again, its subject marked as a
    reminder, with the summary, the link and the PDF, in the quote's language.
    """
    _require_member(school, actor)
    quote = _locked_quote(school, quote_id)
    if quote.status != Quote.Status.SENT:
        raise ValidationError(_("Only a quote sent and not yet accepted can be followed up."), code="not_sent")
    if quote.valid_until < timezone.localdate():
        raise ValidationError(
            _("The quote is past its validity date: change it (new date), then send it again."), code="past_validity"
        )
    now = timezone.now()
    if quote.last_reminded_at is not None and now - quote.last_reminded_at < REMINDER_INTERVAL:
        raise ValidationError(_("A reminder of this quote has just left."), code="just_reminded")
    quote_email_queue(quote=quote, actor=actor, reminder=True)
    quote.reminders_sent = F("reminders_sent") + 1
    quote.last_reminded_at = now
    quote.save(update_fields=["reminders_sent", "last_reminded_at"])
    quote_event(quote, actor, "reminded")
    inquiry_answered(school=school, actor=actor, inquiry_id=quote.inquiry_id)
    return Quote.objects.for_school(school).get(pk=quote.pk)


@transaction.atomic
def quote_reopen(*, school: School, actor: User, quote_id: int) -> Quote:
    """Back to draft to change it; its payment links stop working (the version changes)."""
    _require_member(school, actor)
    quote = _locked_quote(school, quote_id)
    if quote.payment_requests.filter(payments__isnull=False).exists():
        raise ValidationError(
            _("Money was already received for this quote: cancel it and make a new one instead."), code="has_payments"
        )
    _move(quote, Quote.Status.DRAFT)
    other = draft_of_dossier(school_id=school.pk, inquiry_id=quote.inquiry_id, excluding=quote.pk)
    if other is not None:
        # A second quote, made while this one was with the client, is being prepared: one draft at a time.
        raise ValidationError(
            _(
                "Quote %(other)s is already being prepared on this dossier (%(name)s, %(time)s): send it or "
                "cancel it before changing quote %(number)s; a dossier has one draft at a time."
            )
            % {
                "other": other.quote.number,
                "name": someone(other.actor),
                "time": time_said(other.moment),
                "number": quote.number,
            },
            code="draft_exists",
        )
    quote.save(update_fields=["status"])
    _bump(quote)
    quote_event(quote, actor, "reopened")
    _payment_requests_withdraw(quote, actor)
    return quote


@transaction.atomic
def quote_cancel(*, school: School, actor: User, quote_id: int) -> Quote:
    _require_member(school, actor)
    quote = _locked_quote(school, quote_id)
    _move(quote, Quote.Status.CANCELLED)
    quote.save(update_fields=["status"])
    _bump(quote)
    quote_event(quote, actor, "cancelled")
    _payment_requests_withdraw(quote, actor)
    return quote


def _payment_requests_withdraw(quote: Quote, actor: User) -> None:
    """The quote's requests still waiting are cancelled, each in the timeline: their links stopped working
    with the quote's new version, and a request shown as waiting would be reminded, or replaced, for nothing."""
    waiting = PaymentRequest.objects.for_school(quote.school_id).filter(
        quote=quote, status=PaymentRequest.Status.PENDING
    )
    for payment_request in waiting.select_related("quote"):
        payment_request.status = PaymentRequest.Status.CANCELLED
        payment_request.save(update_fields=["status"])
        payment_event(payment_request, actor, "cancelled", with_quote=quote.status)
