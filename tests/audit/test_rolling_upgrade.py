"""A release's migration runs while the previous release still serves (docs/deployment.md, Releasing).

The previous release's processes write audit records as they knew them: without `by_platform`
(audit.0006). The column must take their rows, or every settings save, erasure or change in
the admin answers 500 until the new release is started.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from msem.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


def test_the_release_before_by_platform_still_writes_its_audit_records(school, manager):
    previous = MigrationLoader(connection).project_state(("audit", "0005_field_labels")).apps
    PreviousAuditRecord = previous.get_model("audit", "AuditRecord")

    PreviousAuditRecord.objects.create(
        school_id=school.pk, action="settings.saved", actor_id=manager.pk, actor_email=manager.email
    )

    assert AuditRecord.objects.for_school(school).get().by_platform is False
