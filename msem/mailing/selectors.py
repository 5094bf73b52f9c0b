from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from msem.mailing.models import ACCOUNT_LINK_KINDS, DeliveryAttempt, MailTemplate, OutgoingEmail
from msem.schools.models import School


def mail_templates_by_kind_and_language(
    *, school: School, kinds: Sequence[str] = (), language: str = ""
) -> dict[tuple[str, str], MailTemplate]:
    """The school's texts, all of them or only those of some kinds in one language."""
    templates = MailTemplate.objects.for_school(school)
    if kinds:
        templates = templates.filter(kind__in=kinds)
    if language:
        templates = templates.filter(language=language)
    return {(template.kind, template.language): template for template in templates}


def _shown_to_the_school(school: School) -> QuerySet[OutgoingEmail]:
    # A password reset or invitation link opens its user's account: her colleagues never see it (ASVS 6.4.3).
    return OutgoingEmail.objects.for_school(school).exclude(kind__in=ACCOUNT_LINK_KINDS)


def outgoing_email_for_school(*, school: School, email_id: int) -> OutgoingEmail | None:
    return _shown_to_the_school(school).filter(pk=email_id).first()


def delivery_attempts(*, email: OutgoingEmail) -> QuerySet[DeliveryAttempt]:
    return DeliveryAttempt.objects.for_school(email.school_id).filter(email=email).order_by("started_at", "id")


def outgoing_emails_recent(*, school: School) -> QuerySet[OutgoingEmail]:
    return _shown_to_the_school(school).order_by("-created_at", "-id")
