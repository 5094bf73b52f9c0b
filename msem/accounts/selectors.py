from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from msem.accounts.models import Membership, Role, SecondFactor, User, UserSession
from msem.schools.models import School


def memberships_of_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("school").order_by("school__name")


@dataclass(frozen=True)
class TeamMember:
    membership: Membership
    user: User
    # Invited, her password not chosen yet: she has never logged in.
    pending: bool
    two_factor: bool


def team_members(*, school: School) -> list[TeamMember]:
    """The school's members for the Team page: managers first, then by name."""
    memberships = (
        Membership.objects.for_school(school)
        .select_related("user")
        .annotate(
            two_factor=Exists(SecondFactor.objects.filter(user_id=OuterRef("user_id"), confirmed_at__isnull=False))
        )
    )
    members = [
        TeamMember(
            membership=membership,
            user=membership.user,
            pending=not membership.user.has_usable_password() and membership.user.last_login is None,
            two_factor=membership.two_factor,  # type: ignore[attr-defined]
        )
        for membership in memberships
    ]
    members.sort(key=lambda member: (member.membership.role != Role.MANAGER, str(member.user).casefold()))
    return members


@dataclass(frozen=True)
class OpenSession:
    id: int
    created_at: datetime
    last_seen_at: datetime
    browser: str
    ip_address: str | None
    current: bool


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def browser_label(user_agent: str) -> str:
    """'Firefox · Windows' from a User-Agent header; its first 40 characters when it is not recognised."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    if browser or system:
        return " · ".join(part for part in (browser, system) if part)
    return user_agent[:40] or "?"


def open_sessions_of_user(*, user: User, current_id: int | None) -> list[OpenSession]:
    """Her sessions still alive (seen within the idle limit, started within the maximum), the latest first."""
    now = timezone.now()
    rows = UserSession.objects.filter(
        user=user,
        last_seen_at__gt=now - timedelta(minutes=settings.MSEM_SESSION_IDLE_MINUTES, seconds=60),
        created_at__gt=now - timedelta(hours=settings.MSEM_SESSION_MAX_HOURS),
    ).order_by("-last_seen_at", "-pk")
    return [
        OpenSession(
            id=row.pk,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            browser=browser_label(row.user_agent),
            ip_address=row.ip_address,
            current=row.pk == current_id,
        )
        for row in rows
    ]
