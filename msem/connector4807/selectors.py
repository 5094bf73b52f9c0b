from __future__ import annotations

import re
from datetime import datetime

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from msem.connector4807.models import SalePush, SalePushAttempt
from msem.schools.models import School

# The states a secretary tells apart, over the outbox's: a report waiting for a retry is queued again.
PUSH_STATES: dict[str, tuple[str, ...]] = {
    "failed": (SalePush.Status.FAILED,),
    "waiting": (SalePush.Status.QUEUED, SalePush.Status.SENDING),
    "reported": (SalePush.Status.SENT,),
}

# A quote's number, a dossier's reference or a ledger's number, whole or its beginning: DEV-2026-000…
_NUMBER_START = re.compile(r"[a-z]{2,8}-\d{4}(?:-\d*)?", re.IGNORECASE)


def sale_pushes_found(
    *,
    school: School,
    statuses: tuple[str, ...] = (),
    text: str = "",
    sold_after: datetime | None = None,
    sold_before: datetime | None = None,
) -> QuerySet[SalePush]:
    """The school's sales and their reports: failed first, then waiting, then the latest reported.

    The text is a quote's number, a dossier's reference or the sale's number at 4807, whole or its
    beginning (any case), or else a part of the client's name or address. A sale is sold when it is
    recorded (the quote fully paid), the moment the dashboard's revenue counts it by.
    """
    urgency = Case(
        When(status=SalePush.Status.FAILED, then=Value(0)),
        When(status__in=[SalePush.Status.QUEUED, SalePush.Status.SENDING], then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    pushes = SalePush.objects.for_school(school)
    if statuses:
        pushes = pushes.filter(status__in=statuses)
    if sold_after is not None:
        pushes = pushes.filter(sale__created_at__gte=sold_after)
    if sold_before is not None:
        pushes = pushes.filter(sale__created_at__lt=sold_before)
    if _NUMBER_START.fullmatch(text):
        pushes = pushes.filter(
            Q(sale__quote__number__istartswith=text)
            | Q(sale__inquiry__reference__istartswith=text)
            | Q(remote_id__istartswith=text)
        )
    elif text:
        pushes = pushes.filter(
            Q(sale__client_name__icontains=text) | Q(sale__client_email__icontains=text) | Q(remote_id__iexact=text)
        )
    return (
        pushes.select_related("sale", "sale__quote", "sale__inquiry")
        .prefetch_related(Prefetch("attempts_made", queryset=SalePushAttempt.objects.order_by("started_at", "id")))
        .annotate(urgency=urgency)
        .order_by("urgency", "-created_at", "-id")
    )
