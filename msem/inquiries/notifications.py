"""The e-mails a dossier causes, queued in the caller's transaction and recorded in its timeline."""

from __future__ import annotations

from datetime import timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from msem.accounts.models import User
from msem.inquiries.answers import first_answer_record
from msem.inquiries.models import Inquiry, InquiryEvent, Subject
from msem.mailing.client_mail import school_mail_compose
from msem.mailing.models import MailKind, OutgoingEmail
from msem.mailing.outbox import email_enqueue
from msem.schools.models import School

# Headers of an automatic reply (RFC 3834, and what Exchange understands), so
# that out-of-office robots do not answer it and loops cannot start.
AUTO_REPLY_HEADERS = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}


def school_sender(school: School) -> str:
    """The school's name in front of the platform's sending address."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((school.name, address))


def dossier_url(inquiry: Inquiry) -> str:
    return settings.MSEM_BASE_URL + reverse(
        "backoffice:inquiry", kwargs={"school_slug": inquiry.school.slug, "reference": inquiry.reference}
    )


def email_event_record(inquiry: Inquiry, email: OutgoingEmail, *, actor: User | None = None) -> InquiryEvent:
    event = InquiryEvent.objects.create(
        school_id=inquiry.school_id,
        inquiry=inquiry,
        kind=InquiryEvent.Kind.EMAIL,
        email=email,
        actor=actor,
        data={"email_kind": email.kind},
    )
    first_answer_record(event=event)
    return event


def notification_queue(*, inquiry: Inquiry, subject: Subject, actor: User | None = None) -> OutgoingEmail:
    """The request as received, in French, to a subject's routing address, Reply-To the client."""
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
        mail_subject = render_to_string("mail/inquiry_notification/subject.txt", context).strip()
        text = render_to_string("mail/inquiry_notification/body.txt", context)
        html = render_to_string("mail/inquiry_notification/body.html", context)
    email = email_enqueue(
        school=school,
        kind=OutgoingEmail.Kind.NOTIFICATION,
        language="fr",
        to_email=subject.email,
        reply_to=formataddr((inquiry.client_name, inquiry.email)),
        subject=" ".join(mail_subject.split()),
        text_body=text,
        html_body=html,
        from_email=school_sender(school),
    )
    email_event_record(inquiry, email, actor=actor)
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


def acknowledgement_queue(*, inquiry: Inquiry) -> OutgoingEmail | None:
    """To the client, in the client's language; never echoes the client's own message."""
    reason = _acknowledgement_skip_reason(inquiry)
    if reason:
        InquiryEvent.objects.create(
            school_id=inquiry.school_id,
            inquiry=inquiry,
            kind=InquiryEvent.Kind.ACKNOWLEDGEMENT_SKIPPED,
            data={"reason": reason},
        )
        return None
    school = inquiry.school
    mail = school_mail_compose(
        school=school,
        kind=MailKind.ACKNOWLEDGEMENT,
        language=inquiry.language,
        values={"client_name": inquiry.client_name, "reference": inquiry.reference},
    )
    email = email_enqueue(
        school=school,
        kind=OutgoingEmail.Kind.ACKNOWLEDGEMENT,
        language=inquiry.language,
        to_email=inquiry.email,
        reply_to=school.main_email,
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
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
    school = inquiry.school
    values = {"client_name": inquiry.client_name, "reference": inquiry.reference}
    mail = school_mail_compose(
        school=school,
        kind=MailKind.ACKNOWLEDGEMENT,
        language=inquiry.language,
        values=values,
        subject=subject,
        body=body,
    )
    email = email_enqueue(
        school=school,
        kind=OutgoingEmail.Kind.REPLY,
        language=inquiry.language,
        to_email=inquiry.email,
        reply_to=inquiry.subject.email,
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
        from_email=school_sender(school),
    )
    email_event_record(inquiry, email, actor=actor)
    return email
