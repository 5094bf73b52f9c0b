"""When the quote a client reads was sent: the date of its version, and of the first one if it was sent again.

A quote sent, reopened to be changed and sent again is the same quote (same number) in a new version;
the client's link only ever shows the version last sent (msem.quotes.links). `Quote.sent_at` is that
send: `quote_send` sets it every time. `created_at` is only when the secretary began the draft, which
the client never saw (the PDF used to say "issued" on that day, before the first send, and kept it for
every later version). The first send is in the dossier's timeline, one "sent" event per send.

A version sent again on the day of the first send must say it is an update too (a client who
read the first one in the morning gets a second e-mail that afternoon): the day would be the same,
so it says the time of the first send, in the school's time zone (TIME_ZONE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.utils import timezone

from msem.inquiries.models import InquiryEvent
from msem.quotes.models import Quote


@dataclass(frozen=True)
class QuoteIssue:
    # The day the version shown was sent (for a draft, today: the day it would leave if sent now).
    sent_on: date
    # The day the quote was first sent, when that was an earlier version on an earlier day; else None.
    first_sent_on: date | None = None
    # The time the quote was first sent, when that was an earlier version on the same day; else None.
    first_sent_at_same_day: time | None = None

    @property
    def sent_today(self) -> bool:
        """Whether "today" names the day of the version shown (it does not on a page read days later)."""
        return self.sent_on == timezone.localdate()


def quote_issue(quote: Quote) -> QuoteIssue:
    shown_was_sent = quote.sent_at is not None and quote.status != Quote.Status.DRAFT
    sent_on = timezone.localdate(quote.sent_at) if shown_was_sent else timezone.localdate()
    first_sent_at = (
        InquiryEvent.objects.for_school(quote.school_id)
        .filter(
            inquiry_id=quote.inquiry_id, kind=InquiryEvent.Kind.QUOTE, data__action="sent", data__number=quote.number
        )
        .order_by("created_at", "id")
        .values_list("created_at", flat=True)
        .first()
    )
    # The version shown is an update when the quote was sent before it: before its `sent_at` (its own
    # "sent" event is written after it, in the same transaction, and not yet when its PDF is attached),
    # or at all for a draft being changed.
    if first_sent_at is None or (shown_was_sent and quote.sent_at is not None and first_sent_at >= quote.sent_at):
        return QuoteIssue(sent_on=sent_on)
    first_sent_at = timezone.localtime(first_sent_at)
    if first_sent_at.date() < sent_on:
        return QuoteIssue(sent_on=sent_on, first_sent_on=first_sent_at.date())
    return QuoteIssue(sent_on=sent_on, first_sent_at_same_day=first_sent_at.time().replace(second=0, microsecond=0))
