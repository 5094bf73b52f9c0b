"""The demo's e-mails as the app writes them: composed by its services, delivered by its worker.

The commercial history bulk-creates e-mails with a placeholder text ("…"):
benchmarks write millions of them and read only their kind and time. The
demo school shows its e-mails to whoever opens the back office, so its
e-mails are composed here by the same services the app calls (the school's
texts in the client's language, signature, legal footer, HTML part), every
dossier has the two e-mails its reception queues (the notification to the
subject's address, the acknowledgement to the client), and each e-mail
marked sent has the delivery attempt the worker would have recorded.

The quotes' e-mails go without their PDF: drawing one per quote would make
`make run`'s first start seconds slower, and the quote page shows it.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef

from msem.backoffice.inbox_forms import ReplyForm
from msem.backoffice.quote_forms import SendQuoteForm
from msem.inquiries.models import Inquiry, InquiryEvent
from msem.inquiries.notifications import (
    AUTO_REPLY_HEADERS,
    acknowledgement_mail,
    notification_compose,
    reply_compose,
    school_sender,
)
from msem.mailing.composition import ComposedMail
from msem.mailing.models import DeliveryAttempt, OutgoingEmail
from msem.mailing.outbox import message_id_new
from msem.payments.models import PaymentRequest
from msem.payments.sending import payment_email_compose
from msem.quotes.models import Quote
from msem.quotes.sending import quote_email_compose
from msem.schools.models import School

Kind = OutgoingEmail.Kind
# What commercial_history writes in place of a text.
PLACEHOLDER_TEXT = "…"
BATCH = 1000

# What a secretary writes after the greeting the reply box starts with.
REPLIES = {
    "fr": (
        "Merci pour votre demande. Nous avons encore de la place aux dates que vous indiquez : pouvez-vous "
        "nous dire l’âge et le niveau de chaque participant ? Nous vous enverrons ensuite un devis.",
        "Les cours collectifs ont lieu le matin de 9 h à 11 h 30 ou l’après-midi de 14 h 30 à 17 h, avec "
        "rendez-vous au pied des pistes devant l’école. Dites-nous le créneau qui vous convient et nous "
        "réservons les places.",
        "Un moniteur est disponible pour des cours particuliers le matin pendant votre séjour. Souhaitez-vous "
        "une ou deux heures par jour ? Le tarif est dégressif à partir de cinq heures.",
    ),
    "en": (
        "Thank you for your request. We still have places on the dates you give: could you tell us the age "
        "and level of each participant? We will then send you a quote.",
        "Group lessons take place in the morning from 9:00 to 11:30 or in the afternoon from 14:30 to 17:00; "
        "we meet at the foot of the slopes in front of the school. Tell us which one suits you and we will "
        "book the places.",
        "An instructor is available for private lessons in the mornings of your stay. Would you like one or "
        "two hours a day? The price per hour goes down from five hours.",
    ),
}


@transaction.atomic
def demo_emails_write(school: School, *, seed: int = 7) -> int:
    """Compose the school's placeholder e-mails, add the reception's missing ones, record their delivery.

    Each step only does what is missing: run again, it writes nothing.
    Returns the number of e-mails composed or added.
    """
    rng = random.Random(f"emails-{seed}-{school.slug}")
    inquiries = {
        inquiry.pk: inquiry
        for inquiry in Inquiry.objects.for_school(school).select_related("school", "subject", "category")
    }
    written = _reception_emails_add(school, inquiries.values())
    written += _placeholders_compose(school, inquiries, rng)
    _delivery_attempts_add(school, rng)
    return written


def _reception_emails_add(school: School, inquiries: Iterable[Inquiry]) -> int:
    """The notification and the acknowledgement that receiving each request queues, a second or two later."""
    sent_kinds: dict[int, set[str]] = {}
    events = InquiryEvent.objects.for_school(school).filter(kind=InquiryEvent.Kind.EMAIL, email__isnull=False)
    for inquiry_id, kind in events.values_list("inquiry_id", "email__kind"):
        sent_kinds.setdefault(inquiry_id, set()).add(kind)
    sender = school_sender(school)
    new: list[tuple[Inquiry, OutgoingEmail, datetime]] = []
    for inquiry in inquiries:
        kinds = sent_kinds.get(inquiry.pk, set())
        if Kind.NOTIFICATION not in kinds and inquiry.subject is not None:
            notification = notification_compose(inquiry=inquiry, subject=inquiry.subject)
            moment = inquiry.received_at + timedelta(seconds=1)
            email = _sent_email(
                school,
                Kind.NOTIFICATION,
                language="fr",
                to_email=notification.to_email,
                mail=notification.mail,
                moment=moment,
            )
            email.from_email, email.reply_to = sender, notification.reply_to
            new.append((inquiry, email, moment))
        if Kind.ACKNOWLEDGEMENT not in kinds:
            moment = inquiry.received_at + timedelta(seconds=2)
            mail = acknowledgement_mail(inquiry=inquiry)
            email = _sent_email(
                school,
                Kind.ACKNOWLEDGEMENT,
                language=inquiry.language,
                to_email=inquiry.email,
                mail=mail,
                moment=moment,
            )
            email.from_email, email.reply_to, email.headers = sender, inquiry.subject.email, AUTO_REPLY_HEADERS
            new.append((inquiry, email, moment))
    created = OutgoingEmail.objects.bulk_create([email for _i, email, _m in new], batch_size=BATCH)
    InquiryEvent.objects.bulk_create(
        [
            InquiryEvent(
                school=school,
                inquiry=inquiry,
                kind=InquiryEvent.Kind.EMAIL,
                created_at=moment,
                email=email,
                data={"email_kind": email.kind},
            )
            for (inquiry, _e, moment), email in zip(new, created, strict=True)
        ],
        batch_size=BATCH,
    )
    # Queued when the request came, not when the demo was seeded (created_at is stamped on insert).
    _created_at_set(created)
    return len(created)


def _sent_email(
    school: School, kind: str, *, language: str, to_email: str, mail: ComposedMail, moment: datetime
) -> OutgoingEmail:
    return OutgoingEmail(
        school=school,
        kind=kind,
        language=language,
        to_email=to_email,
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
        message_id=message_id_new(),
        status=OutgoingEmail.Status.SENT,
        attempts=1,
        next_attempt_at=moment,
        sent_at=moment,
    )


def _created_at_set(emails: list[OutgoingEmail]) -> None:
    ids = [email.pk for email in emails]
    for start in range(0, len(ids), BATCH):
        OutgoingEmail.objects.filter(pk__in=ids[start : start + BATCH]).update(created_at=F("next_attempt_at"))


def _placeholders_compose(school: School, inquiries: dict[int, Inquiry], rng: random.Random) -> int:
    """The commercial history's e-mails (acknowledgements, replies, quotes, payment requests), as the app writes."""
    placeholders = OutgoingEmail.objects.for_school(school).filter(text_body=PLACEHOLDER_TEXT)
    events = (
        InquiryEvent.objects.for_school(school)
        .filter(kind=InquiryEvent.Kind.EMAIL, email__in=placeholders)
        .select_related("email")
        .order_by("created_at", "id")
    )
    quotes: dict[int, Quote] = {}
    for quote in Quote.objects.for_school(school).filter(sent_at__isnull=False).prefetch_related("lines"):
        quotes.setdefault(quote.inquiry_id, quote)
    quotes_by_pk = {quote.pk: quote.inquiry_id for quote in quotes.values()}
    # Each dossier's payment requests, in the order their e-mails went.
    payment_requests: dict[int, list[PaymentRequest]] = {}
    for payment_request in PaymentRequest.objects.for_school(school).order_by("created_at", "id"):
        payment_requests.setdefault(quotes_by_pk[payment_request.quote_id], []).append(payment_request)
    sender = school_sender(school)
    composed: list[OutgoingEmail] = []
    for event in events:
        email, inquiry = event.email, inquiries[event.inquiry_id]
        assert email is not None  # the filter above
        email.from_email = sender
        if email.kind == Kind.ACKNOWLEDGEMENT:
            mail = acknowledgement_mail(inquiry=inquiry)
            email.reply_to, email.headers = inquiry.subject.email, AUTO_REPLY_HEADERS
        elif email.kind == Kind.QUOTE and inquiry.pk in quotes:
            quote = quotes[inquiry.pk]
            quote.school, quote.inquiry = school, inquiry
            if quote.last_reminded_at is not None and event.created_at >= quote.last_reminded_at:
                mail = quote_email_compose(quote=quote, with_pdf=True, reminder=True)  # "Relancer le client"
            else:
                # The school's "Envoi de devis" text, as the send box offers it, sent unchanged.
                offered = SendQuoteForm.initial_for(school=school, quote=quote)
                mail = quote_email_compose(quote=quote, with_pdf=True, subject=offered["subject"], body=offered["body"])
            email.reply_to = inquiry.subject.email
        elif email.kind == Kind.PAYMENT_REQUEST and payment_requests.get(inquiry.pk):
            payment_request = payment_requests[inquiry.pk].pop(0)
            quote = quotes[inquiry.pk]
            quote.school, quote.inquiry, payment_request.quote = school, inquiry, quote
            # The school's "Demande de paiement" text, as the payment box offers it, sent unchanged.
            mail = payment_email_compose(payment_request=payment_request)
            email.reply_to = inquiry.subject.email
        elif email.kind == Kind.REPLY:
            offered = ReplyForm.initial_for(inquiry)
            body = offered["body"] + rng.choice(REPLIES[inquiry.language])
            mail = reply_compose(inquiry=inquiry, subject=offered["subject"], body=body)
            email.reply_to = inquiry.subject.email
        else:
            continue
        email.subject, email.text_body, email.html_body = mail.subject, mail.text, mail.html
        composed.append(email)
    # One UPDATE each: bulk_update's CASE over six text columns was five times slower.
    for email in composed:
        OutgoingEmail.objects.filter(pk=email.pk).update(
            from_email=email.from_email,
            reply_to=email.reply_to,
            headers=email.headers,
            subject=email.subject,
            text_body=email.text_body,
            html_body=email.html_body,
        )
    return len(composed)


def _delivery_attempts_add(school: School, rng: random.Random) -> None:
    """The worker's record of each e-mail marked sent: one attempt, taken by the mail server in a moment."""
    worker = f"email-{rng.getrandbits(48):012x}"
    tried = DeliveryAttempt.objects.filter(email=OuterRef("pk"))
    sent = (
        OutgoingEmail.objects.for_school(school)
        .filter(status=OutgoingEmail.Status.SENT, sent_at__isnull=False)
        .exclude(Exists(tried))
        .values_list("pk", "sent_at")
    )
    attempts = [
        DeliveryAttempt(
            school=school,
            email_id=pk,
            worker=worker,
            started_at=sent_at - timedelta(milliseconds=rng.randint(80, 900)),
            finished_at=sent_at,
            outcome=DeliveryAttempt.Outcome.SENT,
        )
        for pk, sent_at in sent
        if sent_at is not None  # the filter above
    ]
    DeliveryAttempt.objects.bulk_create(attempts, batch_size=BATCH)
