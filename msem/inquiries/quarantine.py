"""Requests that look like a robot's: kept aside for a while, not thrown away.

The public form thanks a robot as it thanks anyone (a robot that learns it was
caught tries another way). Until now what it sent was dropped; but a person
whose browser fills forms by itself can look like a robot too, and a ski
school must not lose a family's request. So a request that passed validation
and still looks wrong waits here: a secretary lets it in or deletes it, and
what nobody looked at is deleted after MSEM_QUARANTINE_DAYS.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from msem.accounts.models import User
from msem.inquiries.intake import IntakeData
from msem.inquiries.models import Category, Inquiry, InquiryEvent, QuarantinedRequest, Subject
from msem.inquiries.reception import inquiry_receive
from msem.schools.models import School

_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def spam_reason(data: IntakeData) -> str | None:
    """What makes a valid request look like spam: links, many of them, in the message."""
    if len(_LINK.findall(data.message)) > settings.MSEM_QUARANTINE_MAX_LINKS:
        return QuarantinedRequest.Reason.LINKS
    return None


def quarantine_put(*, school: School, data: IntakeData, reason: str) -> QuarantinedRequest | None:
    """Keep the request aside; None when the school's quarantine is full for today (a flood: dropped)."""
    today_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    kept_today = QuarantinedRequest.objects.for_school(school).filter(received_at__gte=today_start).count()
    if kept_today >= settings.MSEM_QUARANTINE_PER_SCHOOL_PER_DAY:
        return None
    return QuarantinedRequest.objects.create(
        school=school, reason=reason, language=data.language, email=data.email, data=_fields(data)
    )


@transaction.atomic
def quarantine_release(*, school: School, actor: User, quarantined_id: int) -> Inquiry:
    """Not a robot after all: the request becomes a dossier, with its notification and acknowledgement."""
    held = QuarantinedRequest.objects.for_school(school).select_for_update().get(pk=quarantined_id)
    receipt = inquiry_receive(school=school, data=_intake_data(school, held), intake_key=f"quarantine:{held.pk}")
    InquiryEvent.objects.create(
        school=school,
        inquiry=receipt.inquiry,
        kind=InquiryEvent.Kind.QUARANTINE_RELEASED,
        actor=actor,
        data={"reason": held.reason, "held_since": held.received_at.isoformat()},
    )
    QuarantinedRequest.objects.for_school(school).filter(pk=held.pk).delete()
    return receipt.inquiry


def quarantine_delete(*, school: School, quarantined_id: int) -> None:
    QuarantinedRequest.objects.for_school(school).filter(pk=quarantined_id).delete()


def quarantine_purge(*, now: datetime | None = None) -> int:
    """Delete what waited longer than MSEM_QUARANTINE_DAYS, every school at once (one indexed DELETE)."""
    limit = (now or timezone.now()) - timedelta(days=settings.MSEM_QUARANTINE_DAYS)
    deleted, _ = QuarantinedRequest.objects.filter(received_at__lt=limit).delete()
    return deleted


@task()
def purge_quarantine() -> int:
    return quarantine_purge()


def _fields(data: IntakeData) -> dict[str, object]:
    return {
        "subject": data.subject.pk,
        "category": data.category.code if data.category else None,
        "first_name": data.first_name,
        "last_name": data.last_name,
        "email": data.email,
        "phone": data.phone,
        "message": data.message,
        "arrival_date": data.arrival_date.isoformat() if data.arrival_date else None,
        "departure_date": data.departure_date.isoformat() if data.departure_date else None,
        "participants": data.participants,
    }


def _intake_data(school: School, held: QuarantinedRequest) -> IntakeData:
    fields = held.data
    # The subject and category as they were chosen, even if removed since: a removed
    # subject stays attached to its dossiers (soft removal).
    subject = Subject.objects.for_school(school).get(pk=fields["subject"])
    category = (
        Category.objects.for_school(school).filter(code=fields["category"]).first() if fields["category"] else None
    )
    return IntakeData(
        language=held.language,
        subject=subject,
        category=category,
        first_name=fields["first_name"],
        last_name=fields["last_name"],
        email=fields["email"],
        phone=fields["phone"],
        message=fields["message"],
        arrival_date=_day(fields["arrival_date"]),
        departure_date=_day(fields["departure_date"]),
        participants=fields["participants"],
    )


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
