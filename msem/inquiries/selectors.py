from __future__ import annotations

from django.db.models import QuerySet

from msem.inquiries.models import Category, Subject
from msem.schools.models import School


def subjects_live(*, school: School) -> QuerySet[Subject]:
    return Subject.objects.for_school(school).live()


def categories_live(*, school: School) -> QuerySet[Category]:
    return Category.objects.for_school(school).live()
