"""What secretaries do to a dossier: reassign, change its status, note, answer, archive, merge.

Every change writes a timeline event with who and when. Changes from the
"Dossier" panel carry the version the secretary saw: if someone else changed
the dossier meanwhile, the change is refused rather than silently applied.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from msem.accounts.models import Membership, User
from msem.accounts.selectors import can_be_assignee, invitation_pending
from msem.inquiries.answers import first_answers_refresh
from msem.inquiries.client_actions import ClientAction, client_action_notification_queue
from msem.inquiries.models import STATUS_TRANSITIONS, Category, Inquiry, InquiryEvent, Subject
from msem.inquiries.notifications import email_event_record, notification_queue, reply_queue
from msem.inquiries.search import search_text_for
from msem.inquiries.selectors import client_answers, client_emails_failed, same_address_open_dossiers
from msem.mailing.models import OutgoingAttachment, OutgoingEmail
from msem.mailing.outbox import Attachment, email_enqueue
from msem.mailing.placeholders import ALLOWED_BY_KIND, validate_placeholders
from msem.payments.resending import email_resend_obstacle
from msem.platform.moments import time_said
from msem.schools.models import School
from msem.validators import E_MAIL_INVALID, validate_single_line

NOTE_MAX_LENGTH = 5000
REPLY_MAX_LENGTH = 10_000
EMAIL_MAX_LENGTH = 254  # Inquiry.email's, as RFC 5321 allows


class DossierConflict(Exception):
    """The dossier changed since the secretary loaded it."""


@dataclass(frozen=True)
class PanelChange:
    """The "Dossier" panel as submitted: the category, subject, assignee and status the dossier should have."""

    category: Category | None
    subject: Subject
    assignee: User | None
    status: str
    forward_notification: bool = False


def _require_member(school: School, actor: User) -> None:
    if not Membership.objects.for_school(school).filter(user=actor).exists():
        raise PermissionDenied


def _event(inquiry: Inquiry, actor: User | None, kind: str, **data: Any) -> InquiryEvent:
    return InquiryEvent.objects.create(school_id=inquiry.school_id, inquiry=inquiry, kind=kind, actor=actor, data=data)


def _locked(school: School, inquiry_id: int) -> Inquiry:
    return (
        # of=self: PostgreSQL can't lock the nullable side of the outer join to the category.
        Inquiry.objects.for_school(school)
        .select_for_update(of=("self",))
        .select_related("subject", "category")
        .get(pk=inquiry_id)
    )


def _labels(item: Subject | Category | None) -> dict[str, str] | None:
    if item is None:
        return None
    return {"fr": item.label_fr or item.label_en, "en": item.label_en or item.label_fr}


def status_change_allowed(current: str, new: str) -> bool:
    return new == current or new in STATUS_TRANSITIONS.get(current, frozenset())


def _refuse_assignee(school: School, inquiry: Inquiry, assignee: User | None) -> None:
    """Refuse someone who is not of the school, or a new assignee who cannot log in to work on it.

    The assignee the dossier already has stays, whoever she is (the panel shows her).
    """
    if assignee is None:
        return
    if not Membership.objects.for_school(school).filter(user=assignee).exists():
        raise ValidationError(_("Choose someone of the school."), code="invalid_assignee")
    if assignee != inquiry.assignee and not can_be_assignee(assignee):
        if invitation_pending(assignee):
            message = _(
                "%(name)s has not joined the team yet (invitation pending): "
                "dossiers can be given once the password is chosen."
            )
        else:
            message = _("The account of %(name)s is deactivated: no dossier can be given to it.")
        raise ValidationError(message % {"name": assignee}, code="assignee_cannot_log_in")


@transaction.atomic
def inquiry_panel_update(
    *, school: School, actor: User, inquiry_id: int, expected_version: int, change: PanelChange
) -> Inquiry:
    """Apply the "Dossier" panel: category, subject, assignee and status, as one change."""
    _require_member(school, actor)
    inquiry = _locked(school, inquiry_id)
    if inquiry.version != expected_version:
        raise DossierConflict
    if change.category is not None and (
        change.category.school_id != school.pk or change.category.removed_at is not None
    ):
        raise ValidationError(_("Choose one of the school's categories."), code="invalid_category")
    if change.subject.school_id != school.pk or (
        change.subject.removed_at is not None and change.subject.pk != inquiry.subject_id
    ):
        raise ValidationError(_("Choose one of the school's subjects."), code="invalid_subject")
    _refuse_assignee(school, inquiry, change.assignee)
    if not status_change_allowed(inquiry.status, change.status):
        raise ValidationError(
            _("A dossier cannot go from “%(current)s” to “%(new)s”.")
            % {"current": inquiry.get_status_display(), "new": Inquiry.Status(change.status).label},
            code="invalid_transition",
        )

    changed = False
    if change.category != inquiry.category:
        _event(
            inquiry,
            actor,
            InquiryEvent.Kind.CATEGORY_CHANGED,
            before=_labels(inquiry.category),
            after=_labels(change.category),
        )
        inquiry.category = change.category
        changed = True
    if change.subject != inquiry.subject:
        _event(
            inquiry,
            actor,
            InquiryEvent.Kind.SUBJECT_CHANGED,
            before=_labels(inquiry.subject),
            after=_labels(change.subject),
        )
        inquiry.subject = change.subject
        changed = True
        if change.forward_notification:
            notification_queue(inquiry=inquiry, subject=change.subject, actor=actor)
    if change.assignee != inquiry.assignee:
        _event(
            inquiry,
            actor,
            InquiryEvent.Kind.ASSIGNED,
            before=str(inquiry.assignee) if inquiry.assignee else None,
            after=str(change.assignee) if change.assignee else None,
        )
        inquiry.assignee = change.assignee
        changed = True
    if change.status != inquiry.status:
        _event(inquiry, actor, InquiryEvent.Kind.STATUS_CHANGED, before=inquiry.status, after=change.status)
        inquiry.status = change.status
        changed = True
    if changed:
        inquiry.version = F("version") + 1
        inquiry.save(update_fields=["category", "subject", "assignee", "status", "version", "updated_at"])
        inquiry.version = Inquiry.objects.for_school(school).values_list("version", flat=True).get(pk=inquiry.pk)
    return inquiry


@transaction.atomic
def inquiry_note_add(*, school: School, actor: User, inquiry_id: int, text: str) -> InquiryEvent:
    _require_member(school, actor)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the note first."), code="empty_note")
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(_("A note has at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH})
    inquiry = Inquiry.objects.for_school(school).get(pk=inquiry_id)
    return _event(inquiry, actor, InquiryEvent.Kind.NOTE, text=text)


def reply_greeting(*, inquiry: Inquiry, language: str) -> str:
    """The greeting the reply box starts with."""
    return _greeting(inquiry.client_name, language)


def _greeting(name: str, language: str) -> str:
    with translation.override(language):
        return _("Hello %(name)s,") % {"name": name}


def _only_the_greeting(inquiry: Inquiry, body: str) -> bool:
    """Whether the answer is still just the pre-filled greeting, in any language and however spaced.

    The secretary may have switched the greeting to the other language or
    written the name as the placeholder, and a client whose data was erased
    has no name: none of these is an answer.
    """
    written = "".join(body.split()).casefold()
    return any(
        written == "".join(_greeting(name, language).split()).casefold()
        for language, _label in settings.LANGUAGES
        for name in (inquiry.client_name, "{client_name}", "")
    )


@transaction.atomic
def inquiry_reply(
    *, school: School, actor: User, inquiry_id: int, subject: str, body: str, seen_answer_id: int | None = None
) -> OutgoingEmail:
    """Answer the client by e-mail (through the outbox); a new dossier is then waiting for the client.

    seen_answer_id: the last answer to the client on the page she wrote from. Two
    secretaries who opened the same new request both write; the second one to
    send is stopped if a colleague answered the client in the meantime, rather
    than the client getting two answers (each possibly with its own price).
    """
    _require_member(school, actor)
    if not body.strip():
        raise ValidationError(_("Write your answer first."), code="empty_reply")
    allowed = ALLOWED_BY_KIND["acknowledgement"]
    validate_placeholders(subject, allowed=allowed)
    validate_placeholders(body, allowed=allowed)
    inquiry = _locked(school, inquiry_id)
    if _only_the_greeting(inquiry, body):
        raise ValidationError(_("Write your answer below the greeting."), code="greeting_only")
    if seen_answer_id is not None:
        _refuse_if_answered_meanwhile(inquiry, actor=actor, seen_answer_id=seen_answer_id)
    email = reply_queue(inquiry=inquiry, actor=actor, subject=subject, body=body.strip())
    inquiry_answered(school=school, actor=actor, inquiry_id=inquiry.pk)
    return email


def _refuse_if_answered_meanwhile(inquiry: Inquiry, *, actor: User, seen_answer_id: int) -> None:
    newer = client_answers(inquiry).filter(pk__gt=seen_answer_id).exclude(actor=actor).select_related("actor").first()
    if newer is None:
        return
    raise ValidationError(
        _(
            "%(name)s sent the client an e-mail at %(time)s, while you were writing: your answer is not sent. "
            "Read it in the timeline; send yours if it is still needed."
        )
        % {
            "name": newer.actor or _("A colleague"),
            "time": time_said(newer.created_at),
        },
        code="answered_meanwhile",
    )


@transaction.atomic
def inquiry_answered(*, school: School, actor: User, inquiry_id: int) -> None:
    """The client has been answered (a reply, a quote): the dossier is the client's turn, and someone's.

    A new or in-progress dossier now waits for the client. A dossier nobody
    had is taken by whoever answered it, as help desks do: her colleagues see
    in the inbox that someone is on it, and nobody answers the client twice.
    Called in the transaction that queues the answer.
    """
    inquiry = _locked(school, inquiry_id)
    waiting = inquiry.status in (Inquiry.Status.NEW, Inquiry.Status.IN_PROGRESS)
    _move(
        inquiry,
        actor,
        assignee=actor if inquiry.assignee_id is None else None,
        status=Inquiry.Status.WAITING_FOR_CLIENT if waiting else None,
    )


@transaction.atomic
def inquiry_take(*, school: School, actor: User, inquiry_id: int) -> Inquiry:
    """She takes a dossier nobody has ("I'll take it"): it is hers, and a new one is now in progress."""
    _require_member(school, actor)
    inquiry = _locked(school, inquiry_id)
    if inquiry.assignee_id == actor.pk:
        return inquiry  # a second click
    if inquiry.assignee is not None:
        raise ValidationError(
            _("%(name)s has taken this dossier in the meantime.") % {"name": inquiry.assignee}, code="taken"
        )
    _move(
        inquiry,
        actor,
        assignee=actor,
        status=Inquiry.Status.IN_PROGRESS if inquiry.status == Inquiry.Status.NEW else None,
    )
    return Inquiry.objects.for_school(school).get(pk=inquiry.pk)


@dataclass(frozen=True)
class TakenSelection:
    """What "I'll take the selection" did: the dossiers now hers, and those someone else already had."""

    taken: int
    someone_elses: int


@transaction.atomic
def inquiries_take(*, school: School, actor: User, inquiry_ids: Iterable[int]) -> TakenSelection:
    """She takes, from the inbox's selection, the dossiers nobody has; the others keep their assignee.

    Each one taken is as with "I'll take it" on the dossier: hers, a new one
    now in progress, both in its timeline. Archived dossiers are left alone.
    """
    _require_member(school, actor)
    selected = (
        Inquiry.objects.for_school(school)
        .filter(pk__in=list(inquiry_ids), archived_at__isnull=True)
        .select_for_update(of=("self",))
        .order_by("pk")  # one lock order for every taker, so two at once cannot deadlock
    )
    taken = someone_elses = 0
    for inquiry in selected:
        if inquiry.assignee_id is None:
            status = Inquiry.Status.IN_PROGRESS if inquiry.status == Inquiry.Status.NEW else None
            _move(inquiry, actor, assignee=actor, status=status)
            taken += 1
        elif inquiry.assignee_id != actor.pk:
            someone_elses += 1
    return TakenSelection(taken=taken, someone_elses=someone_elses)


def _move(inquiry: Inquiry, actor: User | None, *, assignee: User | None, status: str | None, **because: Any) -> None:
    """Give a locked dossier its first assignee and/or a new status (None: unchanged), each in the timeline."""
    changes: dict[str, Any] = {}
    if assignee is not None:
        _event(inquiry, actor, InquiryEvent.Kind.ASSIGNED, before=None, after=str(assignee))
        changes["assignee"] = assignee
    if status is not None:
        _event(inquiry, actor, InquiryEvent.Kind.STATUS_CHANGED, before=inquiry.status, after=status, **because)
        changes["status"] = status
    if changes:
        Inquiry.objects.for_school(inquiry.school_id).filter(pk=inquiry.pk).update(
            **changes, version=F("version") + 1, updated_at=timezone.now()
        )


# A dossier still being worked on; a won, paid or lost one keeps who handled it.
_OPEN_STATUSES = (Inquiry.Status.NEW, Inquiry.Status.IN_PROGRESS, Inquiry.Status.WAITING_FOR_CLIENT)


@transaction.atomic
def inquiries_unassign_member(*, school: School, actor: User, member: User) -> list[str]:
    """A member leaves the school: her open dossiers become nobody's, each with a line in its timeline.

    Closed and archived dossiers keep her name: they say who handled them. Returns the references.
    """
    inquiries = list(
        Inquiry.objects.for_school(school)
        .select_for_update()
        .filter(assignee=member, archived_at__isnull=True, status__in=_OPEN_STATUSES)
        .order_by("pk")
    )
    for inquiry in inquiries:
        _event(inquiry, actor, InquiryEvent.Kind.ASSIGNED, before=str(member), after=None)
    Inquiry.objects.for_school(school).filter(pk__in=[inquiry.pk for inquiry in inquiries]).update(
        assignee=None, version=F("version") + 1, updated_at=timezone.now()
    )
    return [inquiry.reference for inquiry in inquiries]


@transaction.atomic
def inquiries_archive(*, school: School, actor: User, inquiry_ids: Iterable[int], archive: bool = True) -> int:
    """Archive (or take out of the archive) the given dossiers of the school; returns how many changed."""
    _require_member(school, actor)
    candidates = Inquiry.objects.for_school(school).filter(pk__in=list(inquiry_ids), archived_at__isnull=archive)
    now = timezone.now()
    changed = 0
    for inquiry in candidates.select_for_update():
        _archived_set(inquiry, actor, now if archive else None)
        changed += 1
    return changed


def _archived_set(inquiry: Inquiry, actor: User | None, archived_at: datetime | None, **because: Any) -> None:
    """Archive a locked dossier (or take it out of the archive: None), in its timeline."""
    inquiry.archived_at = archived_at
    inquiry.version = F("version") + 1
    inquiry.save(update_fields=["archived_at", "version", "updated_at"])
    kind = InquiryEvent.Kind.ARCHIVED if archived_at else InquiryEvent.Kind.UNARCHIVED
    _event(inquiry, actor, kind, **because)


# A client's action makes these the school's turn again ("En cours"); a won or
# paid dossier keeps its status: the sale is made, the e-mail says what came.
SCHOOLS_TURN_AFTER_CLIENT_ACTION = (
    Inquiry.Status.NEW,
    Inquiry.Status.WAITING_FOR_CLIENT,
    Inquiry.Status.LOST,
)


@transaction.atomic
def inquiry_client_acted(*, school: School | int, inquiry_id: int, action: ClientAction, notify: bool) -> Inquiry:
    """The client accepted a quote or paid: the dossier is the school's turn again, and in the inbox.

    The mirror of inquiry_answered. An archived dossier comes out of the
    archive; one waiting for the client (or new, or lost) is in progress again,
    each in the timeline with the reason. With `notify`, the assignee (or the
    subject's address) is e-mailed: not when a member of staff recorded the
    payment herself, as she knows. Called in the transaction that records
    the client's action.
    """
    inquiry = (
        Inquiry.objects.for_school(school)
        .select_for_update(of=("self",))
        .select_related("school", "subject", "assignee")
        .get(pk=inquiry_id)
    )
    because = action.event_data()
    if inquiry.archived_at is not None:
        _archived_set(inquiry, None, None, **because)
    if inquiry.status in SCHOOLS_TURN_AFTER_CLIENT_ACTION:
        _move(inquiry, None, assignee=None, status=Inquiry.Status.IN_PROGRESS, **because)
    if notify:
        client_action_notification_queue(inquiry=inquiry, action=action)
    return Inquiry.objects.for_school(school).get(pk=inquiry.pk)


@transaction.atomic
def inquiry_merge(*, school: School, actor: User, target_id: int, duplicate_id: int) -> Inquiry:
    """Merge a duplicate into a dossier: its timeline joins the target's, the duplicate is archived.

    Nothing is lost: the duplicate's events move to the target, which also
    keeps the duplicate's request (its message and booking hints) in a
    "merged" event; the duplicate stays, archived, pointing at the target.
    """
    _require_member(school, actor)
    if target_id == duplicate_id:
        raise ValidationError(_("A dossier cannot be merged into itself."), code="merge_self")
    scoped = Inquiry.objects.for_school(school).select_for_update()
    target = scoped.get(pk=target_id)
    duplicate = scoped.get(pk=duplicate_id)
    if target.merged_into_id or duplicate.merged_into_id:
        raise ValidationError(_("This dossier was already merged."), code="already_merged")
    InquiryEvent.objects.for_school(school).filter(inquiry=duplicate).update(inquiry=target)
    # The duplicate's answers are the target's now: its first answer may be one of them.
    first_answers_refresh(school=school, inquiry_ids=[target.pk, duplicate.pk])
    _event(
        target,
        actor,
        InquiryEvent.Kind.MERGED,
        reference=duplicate.reference,
        received_at=duplicate.received_at.isoformat(),
        message=duplicate.message,
        phone=duplicate.phone,
        arrival_date=duplicate.arrival_date.isoformat() if duplicate.arrival_date else None,
        departure_date=duplicate.departure_date.isoformat() if duplicate.departure_date else None,
        participants=duplicate.participants,
    )
    _event(duplicate, actor, InquiryEvent.Kind.MERGED, into=target.reference)
    duplicate.merged_into = target
    duplicate.archived_at = duplicate.archived_at or timezone.now()
    duplicate.version = F("version") + 1
    duplicate.save(update_fields=["merged_into", "archived_at", "version", "updated_at"])
    Inquiry.objects.for_school(school).filter(pk=target.pk).update(version=F("version") + 1, updated_at=timezone.now())
    return Inquiry.objects.for_school(school).get(pk=target.pk)


@transaction.atomic
def inquiry_client_email_correct(
    *, school: School, actor: User, inquiry_id: int, email: str, other_dossier_ids: Collection[int] = ()
) -> CorrectedEmail:
    """The client mistyped her address (a refused e-mail says so): the secretary writes the right one.

    The dossier's later e-mails go to it, the inbox's search finds it, and the
    timeline keeps the old one and who changed it. E-mails already sent or
    refused keep the address they went to.

    `other_dossier_ids`: the client's other open dossiers that the secretary chose to correct as
    well (same_address_open_dossiers). Each one of this school, still open and still at the
    dossier's old address is corrected too, each with its line in its own timeline; any other
    is left as it is.
    """
    _require_member(school, actor)
    email = email.strip()
    validate_single_line(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(E_MAIL_INVALID, code="invalid_email") from None
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValidationError(E_MAIL_INVALID, code="invalid_email")
    inquiry = _locked(school, inquiry_id)
    if inquiry.personal_data_erased_at is not None:
        raise ValidationError(_("The client's personal data was erased: there is no address to correct."))
    if email == inquiry.email:
        raise ValidationError(_("This is already the client's address."), code="same_email")
    others = list(
        same_address_open_dossiers(inquiry)
        .filter(pk__in=[int(pk) for pk in other_dossier_ids])
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    _client_email_set(inquiry, actor, email)
    for other in others:
        _client_email_set(other, actor, email, along_with=inquiry.reference)
    return CorrectedEmail(
        inquiry=Inquiry.objects.for_school(school).get(pk=inquiry.pk), others=[other.reference for other in others]
    )


@dataclass(frozen=True)
class CorrectedEmail:
    inquiry: Inquiry
    # The references of the client's other dossiers corrected with it.
    others: list[str]


def _client_email_set(inquiry: Inquiry, actor: User, email: str, **about: str) -> None:
    _event(inquiry, actor, InquiryEvent.Kind.CLIENT_EMAIL_CORRECTED, before=inquiry.email, after=email, **about)
    inquiry.email = email
    inquiry.search_text = search_text_for(inquiry)
    inquiry.version = F("version") + 1
    inquiry.save(update_fields=["email", "search_text", "version", "updated_at"])


@transaction.atomic
def inquiry_email_resend(*, school: School, actor: User, inquiry_id: int, email_id: int) -> OutgoingEmail:
    """Send again, to the client's address as the dossier has it now, an e-mail to her that failed for good.

    The same e-mail (subject, text, attachments such as a quote's PDF), as a new
    one through the outbox, in the timeline as sent by this secretary. Each
    failed e-mail is sent again once: the new one, if it fails too, is the one
    to send again. A quote or payment-request e-mail whose link no longer works
    (the quote changed, the request paid or expired …) is not sent again: the
    refusal says what to send instead (msem.payments.resending).
    """
    _require_member(school, actor)
    inquiry = _locked(school, inquiry_id)
    failed = next((email for email in client_emails_failed(inquiry=inquiry) if email.pk == email_id), None)
    if failed is None:
        raise ValidationError(
            _("This e-mail is not one waiting to be sent again: it may have been sent again already."),
            code="not_resendable",
        )
    about = _sent_about(inquiry, failed)
    obstacle = email_resend_obstacle(school_id=school.pk, about=about)
    if obstacle:
        raise ValidationError(obstacle, code="out_of_date")
    attachments = [
        Attachment(filename=file.filename, content_type=file.content_type, content=bytes(file.content))
        for file in OutgoingAttachment.objects.for_school(school).filter(email=failed).order_by("id")
    ]
    email = email_enqueue(
        school=school,
        kind=failed.kind,
        language=failed.language,
        to_email=inquiry.email,
        subject=failed.subject,
        text_body=failed.text_body,
        html_body=failed.html_body,
        reply_to=failed.reply_to,
        headers=failed.headers,
        from_email=failed.from_email,
        attachments=attachments,
    )
    email_event_record(
        inquiry, email, actor=actor, about={**about, "resent_from": failed.pk, "resent_to": inquiry.email}
    )
    return email


# What an e-mail's timeline line says of the quote or payment request it sends (msem.payments.resending).
_ABOUT_KEYS = ("quote_id", "quote_version", "payment_request_id")


def _sent_about(inquiry: Inquiry, email: OutgoingEmail) -> dict[str, Any]:
    event = InquiryEvent.objects.for_school(inquiry.school_id).filter(inquiry=inquiry, email=email).first()
    data = event.data if event is not None else {}
    return {key: data[key] for key in _ABOUT_KEYS if key in data}


def client_email_resend_obstacle(*, inquiry: Inquiry, email: OutgoingEmail) -> str:
    """Why a refused e-mail to the client must not go again as it was (its quote changed …); "" when it may."""
    return email_resend_obstacle(school_id=inquiry.school_id, about=_sent_about(inquiry, email))
