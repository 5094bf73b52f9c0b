from __future__ import annotations

from django.db.models import QuerySet

from msem.accounts.models import Membership, User


def memberships_of_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("school").order_by("school__name")
