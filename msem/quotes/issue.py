"""When the quote a client reads was sent: the date of its version, and of the first one if it was sent again.

A quote sent, reopened to be changed and sent again is the same quote (same number) in a new version;
the client's link only ever shows the version last sent (msem.quotes.links). `Quote.sent_at` is that
send: `quote_send` sets it every time. `created_at` is only when the secretary began the draft, which
the client never saw (the PDF used to say "issued" on that day, before the first send, and kept it for
every later version). The first send is in the dossier's timeline, one "sent" event per send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from msem.inquiries.models import InquiryEvent
from msem.quotes.models import Quote


@dataclass(frozen=True)
class QuoteIssue:
    # The day the version shown was sent (for a draft, today: the day it would leave if sent now).
    sent_on: date
    # The day the quote was first sent, when that was an earlier version on an earlier day; else None.
    first_sent_on: date | None = None


def quote_issue(quote: Quote) -> QuoteIssue:
    sent_on = (
        timezone.localdate(quote.sent_at)
        if quote.sent_at is not None and quote.status != Quote.Status.DRAFT
        else timezone.localdate()
    )
    first_sent_at = (
        InquiryEvent.objects.for_school(quote.school_id)
        .filter(
            inquiry_id=quote.inquiry_id, kind=InquiryEvent.Kind.QUOTE, data__action="sent", data__number=quote.number
        )
        .order_by("created_at", "id")
        .values_list("created_at", flat=True)
        .first()
    )
    first_sent_on = timezone.localdate(first_sent_at) if first_sent_at is not None else None
    return QuoteIssue(
        sent_on=sent_on, first_sent_on=first_sent_on if first_sent_on and first_sent_on < sent_on else None
    )
