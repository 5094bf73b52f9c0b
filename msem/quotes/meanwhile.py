"""What a colleague did to a dossier's quotes while a secretary had its "Cours de ski" panel open.

At the Christmas peak several secretaries work the same inbox. The panel's forms
say what they saw (the last quote sent to the client, the quote's version, the
payment request waiting); when the dossier moved on since, the services stop the
form and say who did what, and when, from the dossier's timeline. The reply form
does the same for answers (msem.inquiries.dossier.inquiry_reply).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from msem.accounts.models import User
from msem.inquiries.models import Inquiry, InquiryEvent
from msem.quotes.models import Quote


def someone(actor: User | None) -> str:
    return str(actor) if actor is not None else _("A colleague")


def quotes_sent(inquiry: Inquiry) -> QuerySet[InquiryEvent]:
    """The timeline lines of the dossier's quotes sent to the client (again, after a change, too), newest first."""
    return (
        InquiryEvent.objects.for_school(inquiry.school_id)
        .filter(inquiry=inquiry, kind=InquiryEvent.Kind.QUOTE, data__action="sent")
        .order_by("-pk")
    )


def last_quote_sent_id(inquiry: Inquiry) -> int:
    """The timeline line of the last quote sent to the client (0: none yet), as the send form saw it."""
    return quotes_sent(inquiry).values_list("pk", flat=True).first() or 0


# What someone may do to a quote that changes what can be asked for it.
QUOTE_MOVES = ("sent", "reopened", "cancelled")


def last_quote_move(quote: Quote) -> InquiryEvent | None:
    """The quote's last sending, reopening or cancelling, with who did it and when."""
    return (
        InquiryEvent.objects.for_school(quote.school_id)
        .filter(
            inquiry_id=quote.inquiry_id,
            kind=InquiryEvent.Kind.QUOTE,
            data__number=quote.number,
            data__action__in=QUOTE_MOVES,
        )
        .select_related("actor")
        .order_by("-pk")
        .first()
    )


def payment_request_outcome(*, school_id: int, inquiry_id: int, reference: str) -> InquiryEvent | None:
    """How a payment request stopped waiting: its payment received, or its cancelling."""
    return (
        InquiryEvent.objects.for_school(school_id)
        .filter(
            inquiry_id=inquiry_id,
            kind=InquiryEvent.Kind.PAYMENT,
            data__reference=reference,
            data__action__in=("received", "cancelled", "replaced"),
        )
        .select_related("actor")
        .order_by("-pk")
        .first()
    )


@dataclass(frozen=True)
class DraftStarted:
    """The dossier's quote being prepared, and who made it a draft, when: created, or reopened to be changed."""

    quote: Quote
    actor: User | None
    moment: datetime
    reopened: bool


def draft_of_dossier(*, school_id: int, inquiry_id: int, excluding: int | None = None) -> DraftStarted | None:
    """The dossier's draft quote (one at most: the constraint quote_one_draft_per_dossier), with who started it."""
    drafts = Quote.objects.for_school(school_id).filter(inquiry_id=inquiry_id, status=Quote.Status.DRAFT)
    if excluding is not None:
        drafts = drafts.exclude(pk=excluding)
    draft = drafts.select_related("created_by").first()
    if draft is None:
        return None
    moved = last_quote_move(draft)
    if moved is not None and moved.data.get("action") == "reopened":
        return DraftStarted(quote=draft, actor=moved.actor, moment=moved.created_at, reopened=True)
    return DraftStarted(quote=draft, actor=draft.created_by, moment=draft.created_at, reopened=False)
