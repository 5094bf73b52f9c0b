"""Writes of the tenancy domain."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from msem.schools.models import DocumentCounter, School


def document_number_next(*, school: School, series: str, year: int) -> int:
    """The next number of a series, unique per school and year, without gaps under concurrency.

    The UPDATE locks the counter row until the caller's transaction ends, so
    two concurrent callers get consecutive numbers; a rolled-back caller
    gives its number back.
    """
    counters = DocumentCounter.objects.for_school(school).filter(series=series, year=year)
    with transaction.atomic():
        if not counters.update(last_value=F("last_value") + 1):
            try:
                with transaction.atomic():
                    DocumentCounter.objects.create(school=school, series=series, year=year, last_value=1)
                    return 1
            except IntegrityError:
                # Created by a concurrent caller in the meantime.
                counters.update(last_value=F("last_value") + 1)
        return counters.values_list("last_value", flat=True).get()
