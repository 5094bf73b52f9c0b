from __future__ import annotations

from django.db.models import QuerySet

from msem.audit.models import AuditRecord
from msem.schools.models import School


def audit_records_for_school(*, school: School) -> QuerySet[AuditRecord]:
    return AuditRecord.objects.for_school(school).select_related("actor")
