"""Receiving a request: the dossier, its reference, and the two e-mails, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from msem.inquiries.intake import IntakeData
from msem.inquiries.models import Category, Inquiry, InquiryEvent, IntakeKey
from msem.inquiries.notifications import (
    acknowledgement_compose,
    acknowledgement_queue,
    notification_compose,
    notification_queue,
)
from msem.inquiries.search import search_text_for
from msem.inquiries.selectors import inquiry_for_intake_key
from msem.schools.models import School
from msem.schools.services import document_number_next

REFERENCE_SERIES = "DEM"


def inquiry_reference(*, year: int, number: int) -> str:
    """DEM-2026-00042: a dossier's reference, given in turn per school and year."""
    return f"{REFERENCE_SERIES}-{year}-{number:05d}"


@dataclass(frozen=True)
class Receipt:
    inquiry: Inquiry
    created: bool


def inquiry_receive(
    *, school: School, data: IntakeData, intake_key: str = "", source: str = Inquiry.Source.FORM
) -> Receipt:
    """Create the dossier and queue its e-mails; the same intake_key twice gives the first dossier back.

    Callers look the key up before they count the request against the rate
    limits; here the key's unique constraint decides, so a submission costs
    one lookup, and a replay the rollback of its own transaction.
    """
    try:
        return Receipt(_receive(school=school, data=data, intake_key=intake_key, source=source), created=True)
    except IntegrityError:
        # The same key came before, or a concurrent submission with it won the race (double click).
        if intake_key and (existing := inquiry_for_intake_key(school=school, key=intake_key)):
            return Receipt(existing, created=False)
        raise


def _check_choices(school: School, data: IntakeData) -> None:
    """The forms offer only the school's live choices; the service does not trust its callers.

    The subject and the category are the rows the form has just read: checking
    them needs no query, only whether the school asks for a category does.
    """
    subject = data.subject
    if subject.school_id != school.pk or subject.removed_at is not None or not subject.label(data.language):
        raise ValidationError(_("Choose one of the subjects offered."), code="invalid_subject")
    category = data.category
    if category is None:
        if Category.objects.for_school(school).live().exists():
            raise ValidationError(_("Choose one of the categories offered."), code="category_required")
    elif category.school_id != school.pk or category.removed_at is not None:
        raise ValidationError(_("Choose one of the categories offered."), code="invalid_category")


def _receive(*, school: School, data: IntakeData, intake_key: str, source: str) -> Inquiry:
    """Everything that reads or renders happens first; the transaction only writes.

    On SQLite the transaction holds the database's write lock from its BEGIN,
    on PostgreSQL the school's counter row: every other submission waits for
    it, so it must not wait for templates. The reference's number is taken in
    its own short transaction for the same reason: a reception that fails
    after it leaves a gap in the references, which nothing relies on (quotes,
    which are accounting documents, keep numbers without gaps).
    """
    _check_choices(school, data)
    received_at = timezone.now()
    year = timezone.localdate(received_at).year
    number = document_number_next(school=school, series=REFERENCE_SERIES, year=year)
    inquiry = Inquiry(
        school=school,
        reference=inquiry_reference(year=year, number=number),
        language=data.language,
        subject=data.subject,
        category=data.category,
        first_name=data.first_name,
        last_name=data.last_name,
        email=data.email.lower(),
        phone=data.phone,
        message=data.message,
        arrival_date=data.arrival_date,
        departure_date=data.departure_date,
        participants=data.participants,
        source=source,
        received_at=received_at,
    )
    inquiry.search_text = search_text_for(inquiry)
    # The forms check all this already; the service does not trust its callers.
    inquiry.full_clean(exclude=["school", "subject", "category", "assignee"], validate_constraints=False)
    notification = notification_compose(inquiry=inquiry, subject=data.subject)
    acknowledgement = acknowledgement_compose(inquiry=inquiry)
    with transaction.atomic():
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
        notification_queue(inquiry=inquiry, subject=data.subject, composed=notification)
        acknowledgement_queue(inquiry=inquiry, composed=acknowledgement)
    return inquiry
