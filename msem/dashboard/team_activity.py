"""What each colleague did in a month, for the Team page: read from the dossiers' timelines and the sales.

Two queries whatever the team's size, each one GROUP BY over the school's rows of the month:

- the timeline's lines a member of staff wrote (`InquiryEvent.actor`): the dossiers she *answered* (a
  reply or a quote e-mailed to the client, as the dashboard's first answer counts them; a dossier
  answered three times is one dossier), the *quotes sent*, the *payment requests sent*;
- the *sales* of the month (a quote fully paid: the client paid, nobody clicked), credited to the
  colleague who prepared the quote (`Quote.created_by`), with what they add up to, VAT included, as
  the dashboard's revenue.

Months are Paris months (msem/dashboard/periods.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from msem.dashboard.periods import Period
from msem.inquiries.answers import ANSWER_EMAIL_KINDS
from msem.inquiries.models import InquiryEvent
from msem.sales.models import Sale
from msem.schools.models import School


@dataclass
class ColleagueActivity:
    dossiers_answered: int = 0
    quotes_sent: int = 0
    payment_requests_sent: int = 0
    sales: int = 0
    sales_amount: Decimal = Decimal(0)

    @property
    def nothing(self) -> bool:
        return not (self.dossiers_answered or self.quotes_sent or self.payment_requests_sent or self.sales)

    def add(self, other: ColleagueActivity) -> None:
        self.dossiers_answered += other.dossiers_answered
        self.quotes_sent += other.quotes_sent
        self.payment_requests_sent += other.payment_requests_sent
        self.sales += other.sales
        self.sales_amount += other.sales_amount


def team_activity(*, school: School, period: Period) -> dict[int, ColleagueActivity]:
    """Each colleague's month by user id; a colleague who did nothing is not in it."""
    activity: dict[int, ColleagueActivity] = defaultdict(ColleagueActivity)
    Kind = InquiryEvent.Kind
    events = (
        InquiryEvent.objects.for_school(school)
        .filter(created_at__gte=period.start, created_at__lt=period.end, actor__isnull=False)
        .filter(
            Q(kind=Kind.EMAIL, data__email_kind__in=list(ANSWER_EMAIL_KINDS))
            | Q(kind=Kind.QUOTE, data__action="sent")
            | Q(kind=Kind.PAYMENT, data__action="requested")
        )
        .order_by()  # the model's ordering would join the GROUP BY
        .values("actor_id")
        .annotate(
            answered=Count("inquiry_id", distinct=True, filter=Q(kind=Kind.EMAIL)),
            quotes=Count("id", filter=Q(kind=Kind.QUOTE)),
            payment_requests=Count("id", filter=Q(kind=Kind.PAYMENT)),
        )
    )
    for row in events:
        colleague = activity[row["actor_id"]]
        colleague.dossiers_answered = row["answered"]
        colleague.quotes_sent = row["quotes"]
        colleague.payment_requests_sent = row["payment_requests"]
    sales = (
        Sale.objects.for_school(school)
        .filter(created_at__gte=period.start, created_at__lt=period.end, quote__created_by__isnull=False)
        .order_by()
        .values("quote__created_by")
        .annotate(count=Count("id"), amount=Sum("total"))
    )
    for sold in sales:
        colleague = activity[sold["quote__created_by"]]
        colleague.sales = sold["count"]
        colleague.sales_amount = sold["amount"] or Decimal(0)
    return dict(activity)
