"""The quotes to follow up: sent days ago, still valid, and the client has not accepted them.

The dashboard lists them, the oldest first, so that a secretary reminds each
client from the dossier ("Relancer le client") before the quote lapses. Like
the rest of the page, the list is cached for a minute per school.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import cast

from django.core.cache import cache
from django.db.models import Subquery
from django.utils import timezone

from msem.dashboard.selectors import CACHE_SECONDS, CACHE_VERSION
from msem.quotes.models import Quote, QuoteLine
from msem.schools.models import School

# A client is given this long to answer before the quote is worth a reminder.
UNANSWERED_AFTER_DAYS = 3
FOLLOW_UPS_PAGE_LIMIT = 25
FOLLOW_UPS_EXPORT_LIMIT = 2000


@dataclass(frozen=True)
class QuoteToFollowUp:
    number: str
    reference: str
    client_name: str
    language: str
    sent_at: datetime
    valid_until: date
    total: Decimal
    reminders_sent: int
    last_reminded_at: datetime | None


@dataclass(frozen=True)
class FollowUps:
    days: int
    total: int
    rows: list[QuoteToFollowUp]
    as_of: datetime

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def quotes_to_follow_up(*, school: School, limit: int = FOLLOW_UPS_PAGE_LIMIT) -> FollowUps:
    """The quotes to follow up, from the cache when less than a minute old."""
    key = f"dashboard:v{CACHE_VERSION}:{school.pk}:follow-ups:{limit}"
    follow_ups = cache.get_or_set(key, lambda: follow_ups_compute(school=school, limit=limit), CACHE_SECONDS)
    return cast(FollowUps, follow_ups)


def follow_ups_compute(*, school: School, limit: int = FOLLOW_UPS_PAGE_LIMIT, now: datetime | None = None) -> FollowUps:
    """The school's sent quotes, unanswered for UNANSWERED_AFTER_DAYS days and still valid, the oldest first."""
    now = now or timezone.now()
    unanswered = Quote.objects.for_school(school).filter(
        status=Quote.Status.SENT,
        sent_at__lt=now - timedelta(days=UNANSWERED_AFTER_DAYS),
        valid_until__gte=timezone.localdate(now),
    )
    # The listed quotes' lines with their quote and dossier, in one query whatever the rows (a sent
    # quote has lines: sending needs one, and changing them takes it back to draft), and the count.
    listed = unanswered.order_by("sent_at", "id").values("pk")[:limit]
    lines = (
        QuoteLine.objects.for_school(school)
        .filter(quote__in=Subquery(listed))
        .select_related("quote__inquiry")
        .order_by("quote__sent_at", "quote_id", "position", "id")
    )
    quotes: dict[int, tuple[Quote, list[QuoteLine]]] = {}
    for line in lines:
        quotes.setdefault(line.quote_id, (line.quote, []))[1].append(line)
    rows = [
        QuoteToFollowUp(
            number=quote.number,
            reference=quote.inquiry.reference,
            client_name=quote.inquiry.client_name,
            language=quote.language,
            sent_at=quote.sent_at,
            valid_until=quote.valid_until,
            total=quote.totals(quote_lines).including_vat,
            reminders_sent=quote.reminders_sent,
            last_reminded_at=quote.last_reminded_at,
        )
        for quote, quote_lines in quotes.values()
        if quote.sent_at is not None  # the filter above
    ]
    total = unanswered.count()
    return FollowUps(days=UNANSWERED_AFTER_DAYS, total=total, rows=rows, as_of=now)
