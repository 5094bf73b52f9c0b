from __future__ import annotations

from django.db.models import QuerySet

from msem.inquiries.models import Category, Inquiry, InquiryEvent, IntakeKey, QuarantinedRequest, Subject
from msem.mailing.models import OutgoingEmail
from msem.schools.models import School


def subjects_live(*, school: School) -> QuerySet[Subject]:
    return Subject.objects.for_school(school).live()


def categories_live(*, school: School) -> QuerySet[Category]:
    return Category.objects.for_school(school).live()


def school_has_inquiries(*, school: School) -> bool:
    """Whether any request ever reached the school (archived and merged ones too): a new school's have not."""
    return Inquiry.objects.for_school(school).exists()


def inquiry_for_intake_key(*, school: School, key: str) -> Inquiry | None:
    """The dossier a submission with this single-use key already created, if any."""
    # Asked at every submission, and almost always in vain: the key alone, then the dossier if found.
    inquiry_id = IntakeKey.objects.for_school(school).filter(key=key).values_list("inquiry_id", flat=True).first()
    return None if inquiry_id is None else Inquiry.objects.for_school(school).get(pk=inquiry_id)


def inquiries_recent(*, school: School) -> QuerySet[Inquiry]:
    return (
        Inquiry.objects.for_school(school)
        .select_related("subject", "category", "assignee")
        .order_by("-received_at", "-id")
    )


def inquiry_by_reference(*, school: School, reference: str) -> Inquiry | None:
    # The school is the caller's and the dossier it was merged into is rarely shown: joining them too made
    # PostgreSQL plan a six-table join at each dossier page (1.1 ms at 1 000 000 dossiers, against 0.1 ms
    # for this one). The reference is unique in its school: no ordering either.
    found = list(
        Inquiry.objects.for_school(school)
        .select_related("subject", "category", "assignee")
        .filter(reference=reference)
        .order_by()
    )
    if not found:
        return None
    inquiry = found[0]
    inquiry.school = school
    return inquiry


def inquiry_timeline(*, inquiry: Inquiry) -> QuerySet[InquiryEvent]:
    return (
        InquiryEvent.objects.for_school(inquiry.school_id)
        .filter(inquiry=inquiry)
        .select_related("actor", "email")
        .order_by("created_at", "id")
    )


# The page shows this many; a school flooded by robots gets the newest, and the purge does the rest.
QUARANTINE_PAGE_SIZE = 200


def quarantined_requests(*, school: School) -> list[QuarantinedRequest]:
    return list(QuarantinedRequest.objects.for_school(school).order_by("-received_at", "-id")[:QUARANTINE_PAGE_SIZE])


# What a colleague sends the client that makes another answer, written at the same time, a second one.
CLIENT_ANSWER_KINDS = (OutgoingEmail.Kind.REPLY, OutgoingEmail.Kind.QUOTE, OutgoingEmail.Kind.PAYMENT_REQUEST)


def client_answers(inquiry: Inquiry) -> QuerySet[InquiryEvent]:
    """The timeline lines of the answers the client was sent, newest first."""
    return (
        InquiryEvent.objects.for_school(inquiry.school_id)
        .filter(inquiry=inquiry, kind=InquiryEvent.Kind.EMAIL, data__email_kind__in=list(CLIENT_ANSWER_KINDS))
        .order_by("-pk")
    )


def last_client_answer_id(inquiry: Inquiry) -> int:
    """The timeline line of the last answer the client was sent (0: none yet), as the reply form saw it."""
    return client_answers(inquiry).values_list("pk", flat=True).first() or 0


# The e-mails a dossier sends to its client (the others go to the school's own addresses).
CLIENT_EMAIL_KINDS = (
    OutgoingEmail.Kind.ACKNOWLEDGEMENT,
    OutgoingEmail.Kind.REPLY,
    OutgoingEmail.Kind.QUOTE,
    OutgoingEmail.Kind.PAYMENT_REQUEST,
    OutgoingEmail.Kind.PAYMENT_RECEIPT,
    OutgoingEmail.Kind.QUOTE_ACCEPTED,
)


def client_emails_failed(*, inquiry: Inquiry) -> list[OutgoingEmail]:
    """The dossier's e-mails to the client that failed for good and were not sent again since, oldest first.

    Each one is still to be got to the client: once sent again (inquiry_email_resend), its new
    e-mail carries on in the timeline and this one is no longer waiting for anything. So does a
    quote or payment-request e-mail followed by another of the same kind about the same quote
    (the quote sent again as it is now, a new payment request): the client has that one instead.
    """
    # The dossier's e-mails in one read (a dossier has tens of them at most), sorted out here.
    events = list(
        InquiryEvent.objects.for_school(inquiry.school_id)
        .filter(inquiry=inquiry, kind=InquiryEvent.Kind.EMAIL)
        .values_list("pk", "email_id", "email__status", "email__kind", "data")
    )
    resent = {data.get("resent_from") for _pk, _email_id, _status, _kind, data in events}
    about_quotes = [
        (pk, data.get("email_kind"), data["quote_id"])
        for pk, _email_id, _status, _kind, data in events
        if "quote_id" in data
    ]
    waiting = [
        email_id
        for pk, email_id, status, kind, data in events
        if status == OutgoingEmail.Status.FAILED
        and kind in CLIENT_EMAIL_KINDS
        and email_id not in resent
        and not any(
            later > pk and later_kind == data.get("email_kind") and quote_id == data.get("quote_id")
            for later, later_kind, quote_id in about_quotes
        )
    ]
    if not waiting:
        return []
    return list(OutgoingEmail.objects.for_school(inquiry.school_id).filter(pk__in=waiting).order_by("created_at", "id"))


def same_address_open_dossiers(inquiry: Inquiry) -> QuerySet[Inquiry]:
    """The client's other open dossiers of the school at this dossier's address (any case), oldest first.

    Where the same mistyped address most likely is: corrected on one dossier, it may be on these
    too. Open: neither archived nor merged into another; and with the client's data not erased.
    """
    return (
        Inquiry.objects.for_school(inquiry.school_id)
        .filter(
            email__iexact=inquiry.email,
            archived_at__isnull=True,
            merged_into__isnull=True,
            personal_data_erased_at__isnull=True,
        )
        .exclude(pk=inquiry.pk)
        .order_by("received_at", "pk")
    )
