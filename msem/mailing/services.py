"""Writes of the mailing domain."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from msem.inquiries.notifications import school_sender
from msem.mailing.client_mail import school_mail_compose
from msem.mailing.models import MailTemplate, OutgoingEmail
from msem.mailing.outbox import email_enqueue
from msem.mailing.placeholders import ALLOWED_BY_KIND, example_values, validate_placeholders
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


@transaction.atomic
def test_email_queue(
    *, school: School, recipient: str, kind: str, language: str, subject: str, body: str, signature: str
) -> OutgoingEmail:
    """ "Send me a test e-mail": the composed e-mail, through the outbox, to the person asking."""
    validate_placeholders(subject, allowed=ALLOWED_BY_KIND[kind])
    validate_placeholders(body, allowed=ALLOWED_BY_KIND[kind])
    mail = school_mail_compose(
        school=school,
        kind=kind,
        language=language,
        values=example_values(language) | {"school_name": school.name},
        subject=subject,
        body=body,
        signature=signature,
    )
    return email_enqueue(
        school=school,
        kind=OutgoingEmail.Kind.TEST,
        language=language,
        to_email=recipient,
        subject=f"[TEST] {mail.subject}",
        text_body=mail.text,
        html_body=mail.html,
        # As the school's clients receive it: from the school's name, answers to its main address.
        from_email=school_sender(school),
        reply_to=school.main_email,
    )
