"""The e-mails a dossier causes, queued in the caller's transaction and recorded in its timeline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from msem.accounts.models import User
from msem.inquiries.answers import first_answer_record
from msem.inquiries.models import Inquiry, InquiryEvent, Subject
from msem.mailing.client_mail import school_mail_compose
from msem.mailing.composition import ComposedMail
from msem.mailing.models import MailKind, OutgoingEmail
from msem.mailing.outbox import Attachment, email_enqueue
from msem.mailing.staff_mail import subject_line
from msem.schools.models import School

# Headers of an automatic reply (RFC 3834, and what Exchange understands), so
# that out-of-office robots do not answer it and loops cannot start.
AUTO_REPLY_HEADERS = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
# The same for an automatic e-mail that answers no message of the client's (a payment receipt).
AUTO_GENERATED_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def school_sender(school: School) -> str:
    """The school's name in front of the platform's sending address."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((school.name, address))


def dossier_url(inquiry: Inquiry) -> str:
    return settings.MSEM_BASE_URL + reverse(
        "backoffice:inquiry", kwargs={"school_slug": inquiry.school.slug, "reference": inquiry.reference}
    )


def email_event_record(
    inquiry: Inquiry, email: OutgoingEmail, *, actor: User | None = None, about: dict[str, Any] | None = None
) -> InquiryEvent:
    """about: what the e-mail tells of, for its line in the timeline (the client's action a notice is for)."""
    event = InquiryEvent.objects.create(
        school_id=inquiry.school_id,
        inquiry=inquiry,
        kind=InquiryEvent.Kind.EMAIL,
        email=email,
        actor=actor,
        data={"email_kind": email.kind, **(about or {})},
    )
    first_answer_record(event=event)
    return event


@dataclass(frozen=True)
class NotificationMail:
    """The notification of a request to a subject's address, ready to be queued."""

    to_email: str
    reply_to: str
    mail: ComposedMail
    actor: User | None = None


def notification_compose(*, inquiry: Inquiry, subject: Subject, actor: User | None = None) -> NotificationMail:
    """The request as received, in French, to a subject's routing address, Reply-To the client.

    Needs no saved row: reception composes it before its transaction begins.
    """
    school = inquiry.school
    with translation.override("fr"):
        context = {
            "school": school,
            "inquiry": inquiry,
            "subject_label": subject.label_fr or subject.label_en,
            "category_label": inquiry.category.label_fr if inquiry.category else "",
            "dossier_url": dossier_url(inquiry),
            "forwarded_by": actor,
        }
        mail_subject = subject_line(render_to_string("mail/inquiry_notification/subject.txt", context))
        text = render_to_string("mail/inquiry_notification/body.txt", context)
        html = render_to_string("mail/inquiry_notification/body.html", context)
    return NotificationMail(
        to_email=subject.email,
        reply_to=formataddr((inquiry.client_name, inquiry.email)),
        mail=ComposedMail(subject=mail_subject, text=text, html=html),
        actor=actor,
    )


def notification_queue(
    *, inquiry: Inquiry, subject: Subject, actor: User | None = None, composed: NotificationMail | None = None
) -> OutgoingEmail:
    """Queue the notification (composed now, unless the caller did it before its transaction)."""
    notification = composed or notification_compose(inquiry=inquiry, subject=subject, actor=actor)
    email = email_enqueue(
        school=inquiry.school,
        kind=OutgoingEmail.Kind.NOTIFICATION,
        language="fr",
        to_email=notification.to_email,
        reply_to=notification.reply_to,
        subject=notification.mail.subject,
        text_body=notification.mail.text,
        html_body=notification.mail.html,
        from_email=school_sender(inquiry.school),
    )
    email_event_record(inquiry, email, actor=notification.actor)
    return email


def _school_addresses(school: School) -> set[str]:
    addresses = {school.main_email.lower()}
    addresses.update(email.lower() for email in Subject.objects.for_school(school).values_list("email", flat=True))
    return addresses


def _acknowledgement_skip_reason(inquiry: Inquiry) -> str:
    recipient = inquiry.email.lower()
    if recipient in _school_addresses(inquiry.school):
        return "own_address"
    sent_today = OutgoingEmail.objects.filter(
        to_email=recipient,
        kind=OutgoingEmail.Kind.ACKNOWLEDGEMENT,
        created_at__gte=timezone.now() - timedelta(days=1),
    ).count()
    if sent_today >= settings.MSEM_ACKNOWLEDGEMENTS_PER_RECIPIENT_PER_DAY:
        return "daily_limit"
    return ""


@dataclass(frozen=True)
class Acknowledgement:
    """The acknowledgement of a request, or why there is none."""

    mail: ComposedMail | None
    skip_reason: str = ""


def acknowledgement_compose(*, inquiry: Inquiry) -> Acknowledgement:
    """In the client's language; never echoes the client's own message. Needs no saved row."""
    reason = _acknowledgement_skip_reason(inquiry)
    if reason:
        return Acknowledgement(mail=None, skip_reason=reason)
    return Acknowledgement(mail=acknowledgement_mail(inquiry=inquiry))


def acknowledgement_mail(*, inquiry: Inquiry) -> ComposedMail:
    """The acknowledgement's text: the school's "Contact - Accusé de réception" in the client's language."""
    return school_mail_compose(
        school=inquiry.school,
        kind=MailKind.ACKNOWLEDGEMENT,
        language=inquiry.language,
        values={"client_name": inquiry.client_name, "reference": inquiry.reference},
    )


def acknowledgement_queue(*, inquiry: Inquiry, composed: Acknowledgement | None = None) -> OutgoingEmail | None:
    """Queue the acknowledgement to the client, or record in the timeline why there is none.

    It asks the client to complete her request by answering it: her answer goes,
    like the request, to the address of its subject (already read with the
    request: no query here).
    """
    acknowledgement = composed or acknowledgement_compose(inquiry=inquiry)
    if acknowledgement.mail is None:
        InquiryEvent.objects.create(
            school_id=inquiry.school_id,
            inquiry=inquiry,
            kind=InquiryEvent.Kind.ACKNOWLEDGEMENT_SKIPPED,
            data={"reason": acknowledgement.skip_reason},
        )
        return None
    school = inquiry.school
    email = email_enqueue(
        school=school,
        kind=OutgoingEmail.Kind.ACKNOWLEDGEMENT,
        language=inquiry.language,
        to_email=inquiry.email,
        reply_to=inquiry.subject.email,
        subject=acknowledgement.mail.subject,
        text_body=acknowledgement.mail.text,
        html_body=acknowledgement.mail.html,
        headers=AUTO_REPLY_HEADERS,
        from_email=school_sender(school),
    )
    email_event_record(inquiry, email)
    return email


def reply_queue(*, inquiry: Inquiry, actor: User, subject: str, body: str) -> OutgoingEmail:
    """A secretary's answer, in the client's language, with the school's signature and footer.

    The client's answer goes to the address of the dossier's subject, where
    the request was routed.
    """
    mail = reply_compose(inquiry=inquiry, subject=subject, body=body)
    return client_email_queue(
        inquiry=inquiry, actor=actor, kind=OutgoingEmail.Kind.REPLY, language=inquiry.language, mail=mail
    )


def client_email_queue(
    *,
    inquiry: Inquiry,
    actor: User | None,
    kind: str,
    language: str,
    mail: ComposedMail,
    attachments: Sequence[Attachment] = (),
    headers: Mapping[str, str] | None = None,
    about: dict[str, Any] | None = None,
) -> OutgoingEmail:
    """An e-mail to the dossier's client (an answer, a quote, a payment request, a receipt), in its timeline.

    From the school's name; the client's answer goes to the address of the
    dossier's subject, where the request was routed. `actor` is None for
    e-mails nobody wrote (a receipt), which then carry `headers` saying so.
    `about`: kept in its timeline line (the quote or payment request it sends).
    """
    email = email_enqueue(
        school=inquiry.school,
        kind=kind,
        language=language,
        to_email=inquiry.email,
        reply_to=inquiry.subject.email,
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
        from_email=school_sender(inquiry.school),
        attachments=attachments,
        headers=headers,
    )
    email_event_record(inquiry, email, actor=actor, about=about)
    return email


def reply_compose(*, inquiry: Inquiry, subject: str, body: str) -> ComposedMail:
    """A secretary's words, then the signature and the legal footer of the client's language."""
    return school_mail_compose(
        school=inquiry.school,
        kind=MailKind.ACKNOWLEDGEMENT,
        language=inquiry.language,
        values={"client_name": inquiry.client_name, "reference": inquiry.reference},
        subject=subject,
        body=body,
    )
