"""What the secretaries did on each generated dossier, written into its timeline.

The generator gives a dossier its final state (status, assignee, archive) and
the commercial history its e-mails and quotes; a dossier "in progress" and
assigned must also show who took it and when, as the app would have recorded
it. Events are bulk-created with the kinds and data the services write
(`inquiry_panel_update`, `inquiry_reply`, `quote_send`, `quote_accept`,
`quote_remind`, `quotes_expire_due`, `payment_request_send`,
`payment_record`, `inquiries_archive`), at believable times between the
reception and now, in an order the dossier's status rules allow. A paid
quote's times are the commercial history's: accepted, payment asked for,
payment received.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from msem.accounts.models import User
from msem.demo.office_hours import at_the_office, at_the_office_before
from msem.inquiries.dossier import status_change_allowed
from msem.inquiries.models import Inquiry, InquiryEvent
from msem.payments.models import PaymentRequest
from msem.quotes.models import Quote
from msem.schools.models import School

Status = Inquiry.Status
Kind = InquiryEvent.Kind
# The events that show a secretary's work: a dossier that has one already is left alone.
WORK_KINDS = (Kind.ASSIGNED, Kind.STATUS_CHANGED, Kind.ARCHIVED, Kind.QUOTE)


# What a secretary notes when a dossier was settled by phone, not by e-mail (notes are the staff's, in French).
PHONE_NOTES: dict[str, list[str]] = {
    Status.WON: [
        "Cliente rappelée : réservation faite au téléphone, règlement à l’accueil à l’arrivée.",
        "Le client est passé au bureau : cours réservés et payés sur place.",
        "Appel du client : il réserve les cours demandés, paiement à l’accueil.",
    ],
    Status.LOST: [
        "Client rappelé : il a trouvé une autre école, plus près de sa location.",
        "Appel de la cliente : séjour annulé, elle reviendra l’an prochain.",
        "Plus de place sur le créneau demandé ; le client ne souhaite pas d’autre horaire.",
    ],
    Status.WAITING_FOR_CLIENT: [
        "Message laissé sur le répondeur : le client doit rappeler pour confirmer ses dates.",
        "Au téléphone : la cliente confirme ses dates et le niveau des enfants dans la semaine.",
    ],
}


@dataclass
class _Timeline:
    """One dossier's events being written, and the status they have brought it to."""

    inquiry: Inquiry
    last: datetime
    status: str = Status.NEW
    events: list[InquiryEvent] = field(default_factory=list)

    def add(self, kind: str, moment: datetime, actor: User | None, /, **data: Any) -> None:
        self.events.append(
            InquiryEvent(
                school_id=self.inquiry.school_id,
                inquiry=self.inquiry,
                kind=kind,
                actor=actor,
                created_at=moment,
                data=data,
            )
        )
        self.last = moment

    def move(self, status: str, moment: datetime, actor: User | None) -> None:
        if status == self.status:
            return
        # "Paid" is set by the payment's confirmation, never through the panel's transitions.
        if status != Status.PAID and not status_change_allowed(self.status, status):
            raise ValueError(f"{self.inquiry.reference}: {self.status} → {status} is not a transition the app allows")
        self.add(Kind.STATUS_CHANGED, moment, actor, before=self.status, after=status)
        self.status = status


def _delay(rng: random.Random, median: timedelta, spread: float = 1.0) -> timedelta:
    return timedelta(seconds=rng.lognormvariate(math.log(median.total_seconds()), spread))


def _between(start: datetime, delay: timedelta, limit: datetime) -> datetime:
    """`delay` after `start`, or halfway to `limit` when that would reach it (a minute after `start` if it has)."""
    if limit <= start:
        return start + timedelta(minutes=1)
    moment = start + delay
    return moment if moment < limit else start + (limit - start) / 2


@dataclass(frozen=True)
class _Answer:
    """The dossier's first e-mail from a secretary (a reply or a quote), when it has one."""

    at: datetime
    by: User | None


@transaction.atomic
def dossier_timelines_bulk_create(school: School, *, staff: Sequence[User], seed: int = 42) -> int:
    """Assignments, status changes, quote steps and archiving for the school's dossiers that show none.

    A dossier's stored state is kept where the app could have reached it; one
    it could not have (still "new" after a secretary's answer, which moves a
    dossier to "waiting for the client") takes the status the app would have
    given it. Returns the number of events written.
    """
    rng = random.Random(f"timelines-{seed}-{school.slug}")
    now = timezone.now()
    by_id = {user.pk: user for user in staff}
    worked = InquiryEvent.objects.for_school(school).filter(kind__in=WORK_KINDS).values("inquiry_id")
    pending = Inquiry.objects.for_school(school).exclude(pk__in=worked).select_related("assignee")
    inquiries = list(pending.order_by("received_at", "id"))
    answers: dict[int, _Answer] = {}
    answered = (
        InquiryEvent.objects.for_school(school)
        .filter(kind=Kind.EMAIL, actor__isnull=False)
        .order_by("created_at", "id")
        .values_list("inquiry_id", "created_at", "actor_id")
    )
    for inquiry_id, moment, actor_id in answered:
        answers.setdefault(inquiry_id, _Answer(moment, by_id.get(actor_id)))
    quotes: dict[int, Quote] = {}
    for quote in Quote.objects.for_school(school).filter(sent_at__isnull=False).prefetch_related("lines"):
        quotes.setdefault(quote.inquiry_id, quote)
    payment_requests: dict[int, list[PaymentRequest]] = {}
    asked = PaymentRequest.objects.for_school(school).prefetch_related("payments").order_by("created_at", "id")
    for payment_request in asked:
        payment_requests.setdefault(payment_request.quote_id, []).append(payment_request)

    events: list[InquiryEvent] = []
    changed: list[Inquiry] = []
    for inquiry in inquiries:
        quoted = quotes.get(inquiry.pk)
        had_assignee = inquiry.assignee_id is not None
        timeline = _timeline(
            inquiry,
            rng=rng,
            staff=staff,
            now=now,
            answer=answers.get(inquiry.pk),
            quote=quoted,
            payment_requests=payment_requests.get(quoted.pk, []) if quoted else [],
        )
        events.extend(timeline.events)
        taken = not had_assignee and inquiry.assignee_id is not None
        if taken or timeline.status != inquiry.status or inquiry.archived_at is not None:
            inquiry.status = timeline.status
            changed.append(inquiry)
    InquiryEvent.objects.bulk_create(events, batch_size=1000)
    Inquiry.objects.bulk_update(changed, ["status", "assignee", "archived_at"], batch_size=1000)
    return len(events)


def _timeline(
    inquiry: Inquiry,
    *,
    rng: random.Random,
    staff: Sequence[User],
    now: datetime,
    answer: _Answer | None,
    quote: Quote | None,
    payment_requests: Sequence[PaymentRequest],
) -> _Timeline:
    timeline = _Timeline(inquiry=inquiry, last=inquiry.received_at)
    assignee = inquiry.assignee
    # Whoever works the dossier: its assignee, else whoever answered it, else anyone of the staff.
    worker = assignee or (answer.by if answer else None) or rng.choice(staff)
    # Taken within the hour or so (nights and weekends longer), before it is answered.
    if assignee is not None:
        limit = answer.at if answer else now
        taken_at = _between(inquiry.received_at, _delay(rng, timedelta(minutes=50), 1.2), limit)
        # At the office, with some time left to write the answer.
        taken_at = min(at_the_office(taken_at, rng), limit - min(timedelta(minutes=20), (limit - taken_at) / 2))
        taker = assignee if rng.random() < 0.7 else rng.choice(staff)
        timeline.add(Kind.ASSIGNED, taken_at, taker, before=None, after=str(assignee))
        timeline.move(Status.IN_PROGRESS, taken_at, taker)
    if answer is not None:
        # inquiry_reply and quote_send: an answer moves a new or in-progress dossier to the client's turn.
        if quote is not None:
            drafted_at = answer.at - min(timedelta(minutes=15), (answer.at - timeline.last) / 2)
            timeline.add(Kind.QUOTE, drafted_at, answer.by, action="created", number=quote.number)
            total = str(quote.totals().including_vat)
            timeline.add(Kind.QUOTE, answer.at, answer.by, action="sent", number=quote.number, total=total)
        timeline.last = answer.at
        if inquiry.assignee is None and answer.by is not None:
            # inquiry_answered: whoever answers a dossier nobody had takes it.
            inquiry.assignee = answer.by
            timeline.add(Kind.ASSIGNED, answer.at, answer.by, before=None, after=str(answer.by))
        timeline.move(Status.WAITING_FOR_CLIENT, answer.at, answer.by)
        if quote is not None and quote.last_reminded_at is not None:
            # quote_remind: the client had not answered.
            timeline.add(Kind.QUOTE, quote.last_reminded_at, answer.by, action="reminded", number=quote.number)
        if quote is not None and quote.status == Quote.Status.EXPIRED:
            # quotes_expire_due, in the first hour after the quote's last valid day.
            lapsed = datetime.combine(quote.valid_until + timedelta(days=1), time(0), timezone.get_current_timezone())
            expired_at = max(lapsed + timedelta(minutes=rng.randint(1, 59)), timeline.last)
            timeline.add(Kind.QUOTE, min(expired_at, now), None, action="expired", number=quote.number)
    if quote is not None and quote.paid_at is not None:
        _quote_paid(timeline, quote, payment_requests, staff)
    elif inquiry.status == Status.NEW:
        pass  # untouched, or answered (then waiting for the client, as the app leaves it)
    elif inquiry.status != timeline.status:
        # The client called back (in progress again), or the secretary closed the dossier (won, lost).
        start = timeline.last
        median = timedelta(hours=20) if inquiry.status == Status.IN_PROGRESS else timedelta(days=3)
        limit = min(inquiry.archived_at or now, now)
        moved_at = at_the_office_before(_between(start, _delay(rng, median, 0.8), limit), limit, rng)
        if answer is None and inquiry.status in PHONE_NOTES:
            # Never written to: the secretary had the client on the phone, and says so.
            noted_at = moved_at - min(timedelta(minutes=3), (moved_at - start) / 2)
            timeline.add(Kind.NOTE, noted_at, worker, text=rng.choice(PHONE_NOTES[inquiry.status]))
        timeline.move(inquiry.status, moved_at, worker)
    if inquiry.archived_at is not None:
        last = timeline.last
        archived_at = inquiry.archived_at if inquiry.archived_at > last else _between(last, timedelta(days=1), now)
        inquiry.archived_at = at_the_office_before(archived_at, now, rng)
        timeline.add(Kind.ARCHIVED, inquiry.archived_at, worker)
    return timeline


def _quote_paid(
    timeline: _Timeline, quote: Quote, payment_requests: Sequence[PaymentRequest], staff: Sequence[User]
) -> None:
    """quote_accept, payment_request_send, then payment_record: the quote, then the dossier, paid."""
    assert quote.paid_at is not None  # the caller's condition
    timeline.add(Kind.QUOTE, quote.accepted_at or quote.paid_at, None, action="accepted", number=quote.number)
    by_id = {user.pk: user for user in staff}
    for payment_request in payment_requests:
        asked = {"reference": payment_request.reference, "amount": str(payment_request.amount)}
        requester = by_id.get(payment_request.created_by_id) if payment_request.created_by_id else None
        timeline.add(
            Kind.PAYMENT, payment_request.created_at, requester, action="requested", kind=payment_request.kind, **asked
        )
        for payment in payment_request.payments.all():
            timeline.add(Kind.PAYMENT, payment.received_at, None, action="received", provider=payment.provider, **asked)
    timeline.add(Kind.QUOTE, quote.paid_at, None, action="paid", number=quote.number)
    timeline.move(Status.PAID, quote.paid_at, None)
