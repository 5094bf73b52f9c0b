"""Requests received the way the application receives them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from msem.inquiries.intake import IntakeData
from msem.inquiries.models import Inquiry
from msem.inquiries.reception import inquiry_receive
from msem.inquiries.selectors import categories_live, subjects_live
from msem.schools.models import School


def intake_data(school: School, **overrides: Any) -> IntakeData:
    arrival = timezone.localdate() + timedelta(days=30)
    values: dict[str, Any] = {
        "language": "fr",
        "subject": subjects_live(school=school).first(),
        "category": categories_live(school=school).first(),
        "first_name": "Claire",
        "last_name": "Martin",
        "email": "claire.martin@example.org",
        "phone": "+33 6 12 34 56 78",
        "message": "Bonjour, des cours privés pour deux enfants (6 et 8 ans) le matin ?",
        "arrival_date": arrival,
        "departure_date": arrival + timedelta(days=7),
        "participants": 2,
    }
    values.update(overrides)
    return IntakeData(**values)


def receive_inquiry(school: School, *, intake_key: str = "", **overrides: Any) -> Inquiry:
    return inquiry_receive(school=school, data=intake_data(school, **overrides), intake_key=intake_key).inquiry
