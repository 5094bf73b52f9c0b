"""A dossier's first answer: when a member of staff first e-mailed the client a reply or a quote, and who.

It is kept on the dossier (first_answer_at, first_answer_by) as the e-mail is
recorded in the timeline, so that the dashboard reads a season's response
times from one index instead of searching thousands of timelines.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, QuerySet, Subquery

from msem.inquiries.models import Inquiry, InquiryEvent
from msem.mailing.models import OutgoingEmail
from msem.schools.models import School

# The e-mails that answer a client (a payment request or an acknowledgement does not).
ANSWER_EMAIL_KINDS = (OutgoingEmail.Kind.REPLY, OutgoingEmail.Kind.QUOTE)


def _answers(school: School | int) -> QuerySet[InquiryEvent]:
    return InquiryEvent.objects.for_school(school).filter(
        kind=InquiryEvent.Kind.EMAIL, actor__isnull=False, email__kind__in=ANSWER_EMAIL_KINDS
    )


def first_answer_record(*, event: InquiryEvent) -> None:
    """A staff e-mail was just recorded: if it answers a dossier not answered yet, it is the first answer."""
    if event.actor_id is None or event.email is None or event.email.kind not in ANSWER_EMAIL_KINDS:
        return
    Inquiry.objects.for_school(event.school_id).filter(
        pk=event.inquiry_id, first_answer_at__isnull=True, received_at__lte=event.created_at
    ).update(first_answer_at=event.created_at, first_answer_by_id=event.actor_id)


def first_answers_refresh(*, school: School | int, inquiry_ids: Iterable[int] | None = None) -> int:
    """Work the first answers out again from the timelines, in one UPDATE.

    After a merge moved a duplicate's e-mails to its target, and after
    timelines were loaded in bulk (demo and benchmark data).
    """
    first = (
        _answers(school)
        .filter(inquiry=OuterRef("pk"), created_at__gte=OuterRef("received_at"))
        .order_by("created_at", "id")
    )
    dossiers = Inquiry.objects.for_school(school)
    if inquiry_ids is not None:
        dossiers = dossiers.filter(pk__in=list(inquiry_ids))
    return dossiers.update(
        first_answer_at=Subquery(first.values("created_at")[:1]),
        first_answer_by=Subquery(first.values("actor_id")[:1]),
    )
