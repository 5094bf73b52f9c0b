"""Receiving a request: the dossier, its reference, and the two e-mails, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from msem.inquiries.intake import IntakeData
from msem.inquiries.models import Category, Inquiry, InquiryEvent, IntakeKey, Subject
from msem.inquiries.notifications import acknowledgement_queue, notification_queue
from msem.inquiries.search import search_text_for
from msem.inquiries.selectors import inquiry_for_intake_key
from msem.schools.models import School
from msem.schools.services import document_number_next

REFERENCE_SERIES = "DEM"


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
    notification_queue(inquiry=inquiry, subject=inquiry.subject)
    acknowledgement_queue(inquiry=inquiry)
    return inquiry
