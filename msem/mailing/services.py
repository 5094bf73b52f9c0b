"""Writes of the mailing domain."""

from __future__ import annotations

from collections.abc import Mapping

from msem.mailing.models import MailTemplate
from msem.mailing.placeholders import ALLOWED_BY_KIND, validate_placeholders
from msem.schools.models import School


def mail_templates_update(*, school: School, texts: Mapping[tuple[str, str], tuple[str, str]]) -> None:
    """Set the default texts: (kind, language) -> (subject line, body)."""
    existing = {(t.kind, t.language): t for t in MailTemplate.objects.for_school(school)}
    for (kind, language), (subject, body) in texts.items():
        allowed = ALLOWED_BY_KIND[kind]
        validate_placeholders(subject, allowed=allowed)
        validate_placeholders(body, allowed=allowed)
        template = existing.get((kind, language)) or MailTemplate(school=school, kind=kind, language=language)
        if template.pk and (template.subject, template.body) == (subject, body):
            continue
        template.subject, template.body = subject, body
        template.full_clean(exclude=["school"], validate_constraints=False)
        template.save()
