"""E-mails to clients written from a school's default texts, in the client's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from django.utils import translation
from django.utils.translation import gettext as _

from msem.mailing.composition import ComposedMail, mail_compose
from msem.mailing.models import MailKind
from msem.mailing.selectors import mail_templates_by_kind_and_language
from msem.schools.models import School


def school_mail_compose(
    *,
    school: School,
    kind: str,
    language: str,
    values: Mapping[str, str],
    subject: str | None = None,
    body: str | None = None,
    signature: str | None = None,
) -> ComposedMail:
    """The school's text of `kind` (or the given subject/body), its signature and its legal footer.

    `{school_name}` is always available; the caller gives the other values.
    """
    templates = mail_templates_by_kind_and_language(school=school, kinds=(kind, MailKind.SIGNATURE), language=language)
    template = templates.get((kind, language))
    signature_template = templates.get((MailKind.SIGNATURE, language))
    return mail_compose(
        subject=subject if subject is not None else (template.subject if template else ""),
        body=body if body is not None else (template.body if template else ""),
        signature=signature if signature is not None else (signature_template.body if signature_template else ""),
        footer=school.legal_footer(language),
        values={"school_name": school.name, **values},
        language=language,
        with_html=True,
    )


def as_reminder(mail: ComposedMail, *, language: str) -> ComposedMail:
    """The same e-mail sent again, its subject marked as a reminder in the client's language."""
    with translation.override(language):
        return replace(mail, subject=_("Reminder: %(subject)s") % {"subject": mail.subject})
