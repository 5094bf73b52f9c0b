from __future__ import annotations

from typing import Any

from msem.accounts.models import User
from msem.audit.models import AuditRecord
from msem.platform.security_events import security_event
from msem.schools.models import School


def audit_record_create(
    *,
    school: School,
    actor: User,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
    by_platform: bool = False,
) -> AuditRecord:
    record = AuditRecord.objects.create(
        school=school,
        actor=actor,
        actor_email=actor.email,
        action=action,
        before=before,
        after=after,
        by_platform=by_platform,
    )
    # The log says what kind of change and who, never the content (it is in the audit record, in the database).
    security_event(
        action,
        user_id=actor.pk,
        school_id=school.pk,
        audit_record_id=record.pk,
        changed=sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key)),
    )
    return record
