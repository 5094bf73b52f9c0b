from __future__ import annotations

import re
from collections.abc import Sequence

from django.db.models import Q, QuerySet
from django.utils.functional import Promise

from msem.inquiries.models import Inquiry, InquiryEvent
from msem.mailing.models import ACCOUNT_LINK_KINDS, DeliveryAttempt, MailTemplate, OutgoingEmail
from msem.quotes.models import Quote
from msem.schools.models import School


def mail_templates_by_kind_and_language(
    *, school: School, kinds: Sequence[str] = (), language: str = ""
) -> dict[tuple[str, str], MailTemplate]:
    """The school's texts, all of them or only those of some kinds in one language."""
    templates = MailTemplate.objects.for_school(school)
    if kinds:
        templates = templates.filter(kind__in=kinds)
    if language:
        templates = templates.filter(language=language)
    return {(template.kind, template.language): template for template in templates}


def _shown_to_the_school(school: School) -> QuerySet[OutgoingEmail]:
    # A password reset or invitation link opens its user's account: her colleagues never see it (ASVS 6.4.3).
    return OutgoingEmail.objects.for_school(school).exclude(kind__in=ACCOUNT_LINK_KINDS)


def outgoing_email_for_school(*, school: School, email_id: int) -> OutgoingEmail | None:
    return _shown_to_the_school(school).filter(pk=email_id).first()


def delivery_attempts(*, email: OutgoingEmail) -> QuerySet[DeliveryAttempt]:
    return DeliveryAttempt.objects.for_school(email.school_id).filter(email=email).order_by("started_at", "id")


def outgoing_email_kinds_shown() -> list[tuple[str, str | Promise]]:
    """The kinds of e-mails the school's list shows, with their labels: all but the account links."""
    return [(value, label) for value, label in OutgoingEmail.Kind.choices if value not in ACCOUNT_LINK_KINDS]


# A dossier's reference or a quote's number, whole or its beginning: "DEM-2026-00042", "dem-2026-000",
# "DEM-2026", "DEV-2026-00081".
_REFERENCE_START = re.compile(r"[a-z]{2,8}-\d{4}(?:-\d*)?", re.IGNORECASE)
_WHOLE_REFERENCE = re.compile(r"[A-Z]{2,8}-\d{4}-\d{5,}")


def _emails_of_dossiers(school: School, reference: str) -> QuerySet[InquiryEvent, int]:
    """The ids of the e-mails in the timelines of the dossiers whose reference, or one of whose quotes'
    numbers, is or starts with this one.

    An e-mail knows its dossier through the timeline event that recorded it
    (InquiryEvent.email): a reply or a quote does not carry the reference in
    its subject, the notification and the acknowledgement do. A quote's number
    finds its dossier's e-mails: the quote, its reminders and payment requests,
    and the exchanges that led to it.
    """
    # References and numbers are stored in capitals. A whole one (five digits) is found by the
    # unique indexes; its beginning ("DEM-2026-0004", ten of them) by reading the school's references.
    term = reference.upper()
    if _WHOLE_REFERENCE.fullmatch(term):
        by_reference, by_number = Q(reference=term), Q(number=term)
    else:
        by_reference, by_number = Q(reference__startswith=term), Q(number__startswith=term)
    quoted = Quote.objects.for_school(school).filter(by_number).values("inquiry_id")
    dossiers = Inquiry.objects.for_school(school).filter(by_reference | Q(pk__in=quoted))
    return (
        InquiryEvent.objects.for_school(school)
        .filter(inquiry__in=dossiers.values("pk"), email__isnull=False)
        .values_list("email_id", flat=True)
    )


def outgoing_email_dossier(*, school: School, email: OutgoingEmail) -> Inquiry | None:
    """The dossier whose timeline holds this e-mail; None for an e-mail of no dossier (a test, an alert)."""
    event = InquiryEvent.objects.for_school(school).filter(email=email).select_related("inquiry").order_by("id").first()
    return event.inquiry if event else None


def outgoing_emails_found(
    *, school: School, statuses: Sequence[str] = (), kind: str = "", text: str = ""
) -> QuerySet[OutgoingEmail]:
    """The school's e-mails newest first, of these statuses and this kind, whose address, subject or dossier matches.

    The text is a dossier's reference or a quote's number, whole or its beginning (any case), or else
    a part of the recipient's address or of the subject (any case).
    """
    emails = _shown_to_the_school(school)
    if statuses:
        emails = emails.filter(status__in=statuses)
    if kind:
        emails = emails.filter(kind=kind)
    if _REFERENCE_START.fullmatch(text):
        # The dossiers' own e-mails, found through their timelines' index: the same term read in
        # every address and subject as well took 0.5 s at 100 000 e-mails on PostgreSQL.
        emails = emails.filter(pk__in=_emails_of_dossiers(school, text))
    elif text:
        emails = emails.filter(Q(to_email__icontains=text) | Q(subject__icontains=text))
    return emails.order_by("-created_at", "-id")


def outgoing_emails_failed_count(*, school: School) -> int:
    """How many of the school's e-mails could not be delivered: what needs a look."""
    return _shown_to_the_school(school).filter(status=OutgoingEmail.Status.FAILED).count()
