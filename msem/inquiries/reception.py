"""Receiving a request: the dossier, its reference, and the two e-mails, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from msem.inquiries.intake import IntakeData
from msem.inquiries.models import Category, Inquiry, InquiryEvent, IntakeKey, Subject
from msem.inquiries.selectors import inquiry_for_intake_key
from msem.mailing.client_mail import school_mail_compose
from msem.mailing.models import MailKind, OutgoingEmail
from msem.mailing.outbox import email_enqueue
from msem.schools.models import School
from msem.schools.services import document_number_next

REFERENCE_SERIES = "DEM"

# Headers of an automatic reply (RFC 3834, and what Exchange understands), so
# that out-of-office robots do not answer it and loops cannot start.
AUTO_REPLY_HEADERS = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}


@dataclass(frozen=True)
class Receipt:
    inquiry: Inquiry
    created: bool


def inquiry_receive(
    *, school: School, data: IntakeData, intake_key: str = "", source: str = Inquiry.Source.FORM
) -> Receipt:
    """Create the dossier and queue its e-mails; the same intake_key twice gives the first dossier back."""
    if intake_key and (existing := inquiry_for_intake_key(school=school, key=intake_key)):
        return Receipt(existing, created=False)
    try:
        return Receipt(_receive(school=school, data=data, intake_key=intake_key, source=source), created=True)
    except IntegrityError:
        # A concurrent submission with the same key won the race (double click).
        if intake_key and (existing := inquiry_for_intake_key(school=school, key=intake_key)):
            return Receipt(existing, created=False)
        raise


def _check_choices(school: School, data: IntakeData) -> None:
    subject_ok = Subject.objects.for_school(school).live().filter(pk=data.subject.pk).exists()
    if not subject_ok or not data.subject.label(data.language):
        raise ValidationError(_("Choose one of the subjects offered."), code="invalid_subject")
    live_categories = Category.objects.for_school(school).live()
    if data.category is None:
        if live_categories.exists():
            raise ValidationError(_("Choose one of the categories offered."), code="category_required")
    elif not live_categories.filter(pk=data.category.pk).exists():
        raise ValidationError(_("Choose one of the categories offered."), code="invalid_category")


@transaction.atomic
def _receive(*, school: School, data: IntakeData, intake_key: str, source: str) -> Inquiry:
    _check_choices(school, data)
    received_at = timezone.now()
    year = timezone.localdate(received_at).year
    number = document_number_next(school=school, series=REFERENCE_SERIES, year=year)
    inquiry = Inquiry(
        school=school,
        reference=f"{REFERENCE_SERIES}-{year}-{number:05d}",
        language=data.language,
        subject=data.subject,
        category=data.category,
        first_name=data.first_name,
        last_name=data.last_name,
        email=data.email,
        phone=data.phone,
        message=data.message,
        arrival_date=data.arrival_date,
        departure_date=data.departure_date,
        participants=data.participants,
        source=source,
        received_at=received_at,
    )
    # The forms check all this already; the service does not trust its callers.
    inquiry.full_clean(exclude=["school", "subject", "category", "assignee"], validate_constraints=False)
    inquiry.save()
    if intake_key:
        IntakeKey.objects.create(school=school, key=intake_key, inquiry=inquiry)
    InquiryEvent.objects.create(
        school=school,
        inquiry=inquiry,
        kind=InquiryEvent.Kind.RECEIVED,
        created_at=received_at,
        data={"source": source},
    )
    _queue_notification(school, inquiry)
    _queue_acknowledgement(school, inquiry)
    return inquiry


def _school_sender(school: School) -> str:
    """The school's name in front of the platform's sending address."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((school.name, address))


def _record_email(inquiry: Inquiry, email: OutgoingEmail) -> None:
    InquiryEvent.objects.create(
        school_id=inquiry.school_id,
        inquiry=inquiry,
        kind=InquiryEvent.Kind.EMAIL,
        email=email,
        data={"email_kind": email.kind},
    )


def _queue_notification(school: School, inquiry: Inquiry) -> None:
    """To the subject's routing address, in French: the request as received, Reply-To the client."""
    with translation.override("fr"):
        context = {
            "school": school,
            "inquiry": inquiry,
            "subject_label": inquiry.subject.label_fr or inquiry.subject.label_en,
            "category_label": inquiry.category.label_fr if inquiry.category else "",
            "dossier_url": settings.MSEM_BASE_URL
            + reverse("backoffice:inquiry", kwargs={"school_slug": school.slug, "reference": inquiry.reference}),
        }
        subject = render_to_string("mail/inquiry_notification/subject.txt", context).strip()
        text = render_to_string("mail/inquiry_notification/body.txt", context)
        html = render_to_string("mail/inquiry_notification/body.html", context)
    email = email_enqueue(
        school=school,
        kind=OutgoingEmail.Kind.NOTIFICATION,
        language="fr",
        to_email=inquiry.subject.email,
        reply_to=formataddr((inquiry.client_name, inquiry.email)),
        subject=" ".join(subject.split()),
        text_body=text,
        html_body=html,
        from_email=_school_sender(school),
    )
    _record_email(inquiry, email)


def _school_addresses(school: School) -> set[str]:
    addresses = {school.main_email.lower()}
    addresses.update(email.lower() for email in Subject.objects.for_school(school).values_list("email", flat=True))
    return addresses


def _acknowledgement_skip_reason(school: School, inquiry: Inquiry) -> str:
    recipient = inquiry.email.lower()
    if recipient in _school_addresses(school):
        return "own_address"
    sent_today = OutgoingEmail.objects.filter(
        to_email__iexact=recipient,
        kind=OutgoingEmail.Kind.ACKNOWLEDGEMENT,
        created_at__gte=timezone.now() - timedelta(days=1),
    ).count()
    if sent_today >= settings.MSEM_ACKNOWLEDGEMENTS_PER_RECIPIENT_PER_DAY:
        return "daily_limit"
    return ""


def _queue_acknowledgement(school: School, inquiry: Inquiry) -> None:
    """To the client, in the client's language; never echoes the client's own message."""
    reason = _acknowledgement_skip_reason(school, inquiry)
    if reason:
        InquiryEvent.objects.create(
            school=school, inquiry=inquiry, kind=InquiryEvent.Kind.ACKNOWLEDGEMENT_SKIPPED, data={"reason": reason}
        )
        return
    mail = school_mail_compose(
        school=school,
        kind=MailKind.ACKNOWLEDGEMENT,
        language=inquiry.language,
        values={"client_name": inquiry.client_name, "reference": inquiry.reference},
    )
    email = email_enqueue(
        school=school,
        kind=OutgoingEmail.Kind.ACKNOWLEDGEMENT,
        language=inquiry.language,
        to_email=inquiry.email,
        reply_to=school.main_email,
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
        headers=AUTO_REPLY_HEADERS,
        from_email=_school_sender(school),
    )
    _record_email(inquiry, email)
