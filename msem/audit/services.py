from __future__ import annotations

from typing import Any

from msem.accounts.models import User
from msem.audit.models import AuditRecord
from msem.schools.models import School


def audit_record_create(
    *, school: School, actor: User, action: str, before: dict[str, Any], after: dict[str, Any]
) -> AuditRecord:
    return AuditRecord.objects.create(
        school=school, actor=actor, actor_email=actor.email, action=action, before=before, after=after
    )
