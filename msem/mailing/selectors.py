from __future__ import annotations

from msem.mailing.models import MailTemplate
from msem.schools.models import School


def mail_templates_by_kind_and_language(*, school: School) -> dict[tuple[str, str], MailTemplate]:
    return {(template.kind, template.language): template for template in MailTemplate.objects.for_school(school)}
