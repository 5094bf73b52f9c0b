from __future__ import annotations

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from msem.connector4807.models import SalePush, SalePushAttempt
from msem.schools.models import School

PAGE_SIZE = 100


def sale_pushes_for_page(*, school: School) -> list[SalePush]:
    """Failed first, then waiting, then the latest sent: what needs a look comes first."""
    urgency = Case(
        When(status=SalePush.Status.FAILED, then=Value(0)),
        When(status__in=[SalePush.Status.QUEUED, SalePush.Status.SENDING], then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    pushes: QuerySet[SalePush] = (
        SalePush.objects.for_school(school)
        .select_related("sale", "sale__quote", "sale__inquiry")
        .prefetch_related(Prefetch("attempts_made", queryset=SalePushAttempt.objects.order_by("started_at", "id")))
        .annotate(urgency=urgency)
        .order_by("urgency", "-created_at")
    )
    return list(pushes[:PAGE_SIZE])
