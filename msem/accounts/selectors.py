from __future__ import annotations

from django.db.models import QuerySet

from msem.accounts.models import Membership, User


def memberships_of_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("school").order_by("school__name")


def membership_for_school_slug(*, user: User, slug: str) -> Membership | None:
    return Membership.objects.filter(user=user, school__slug=slug).select_related("school").first()
