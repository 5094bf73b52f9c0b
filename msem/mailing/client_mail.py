"""E-mails to clients written from a school's default texts, in the client's language."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import translation
from django.utils.translation import gettext as _

from msem.mailing.composition import ComposedMail, mail_compose
from msem.mailing.models import MailKind
from msem.mailing.placeholders import placeholders_used
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
    reminder: bool = False,
    link_labels: Mapping[str, str] | None = None,
) -> ComposedMail:
    """The school's text of `kind` (or the given subject/body), its signature and its legal footer.

    `{school_name}` is always available; the caller gives the other values. A
    reminder's subject is marked as one in the client's language, in the
    header and in the HTML part's title alike. `link_labels`: see mail_compose.
    """
    templates = mail_templates_by_kind_and_language(school=school, kinds=(kind, MailKind.SIGNATURE), language=language)
    template = templates.get((kind, language))
    signature_template = templates.get((MailKind.SIGNATURE, language))
    subject = subject if subject is not None else (template.subject if template else "")
    if kind == MailKind.PAYMENT_REQUEST:
        subject = subject_naming_the_quote(subject, language=language, quote_number=values.get("quote_number", ""))
    if reminder:
        with translation.override(language):
            subject = _("Reminder: %(subject)s") % {"subject": subject}
    return mail_compose(
        subject=subject,
        body=body if body is not None else (template.body if template else ""),
        signature=signature if signature is not None else (signature_template.body if signature_template else ""),
        footer=school.legal_footer(language),
        values={"school_name": school.name, **values},
        language=language,
        with_html=True,
        link_labels=link_labels,
    )


def subject_naming_the_quote(subject: str, *, language: str, quote_number: str) -> str:
    """A payment request's subject line with the quote's number, whatever the school's text says.

    A client with two bookings, or a school searching its sent mail, tells two
    payment requests apart by it. A text without {quote_number} (a school's own,
    or one written before the default text had it) gets it at its end, in the
    client's language; one that has it, or the number typed out, is kept as it is.
    """
    if "quote_number" in placeholders_used(subject) or (quote_number and quote_number in subject):
        return subject
    with translation.override(language):
        if not subject.strip():
            return _("Payment request for your quote {quote_number}")
        # The school's text is a value here, not a format: its braces stay placeholders, filled later.
        return _("%(subject)s (quote {quote_number})") % {"subject": subject.rstrip()}


def quote_number_suffix(*, language: str, quote_number: str) -> str:
    """What subject_naming_the_quote adds to a subject line without the number: "(devis DEV-…)".

    The payment form says it under its subject line, so that the secretary knows what the client
    will read. It is taken from the very text that adds it, so the two cannot drift apart.
    """
    with translation.override(language):
        added = _("%(subject)s (quote {quote_number})") % {"subject": ""}
    return added.strip().replace("{quote_number}", quote_number)
