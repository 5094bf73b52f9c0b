from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from msem.accounts.models import Membership, Role, SecondFactor, User, UserSession
from msem.mailing.models import OutgoingEmail
from msem.schools.models import School


def memberships_of_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("school").order_by("school__name")


def invitation_pending(user: User) -> bool:
    """Invited, her password not chosen yet: she has never logged in (the Team page's "pending")."""
    return not user.has_usable_password() and user.last_login is None


def can_be_assignee(user: User) -> bool:
    """Whether a member can be given a dossier: she can log in to work on it.

    Not while her invitation is pending (she would never see it, and nobody else would
    take it: it looks taken), nor once her account is deactivated. The inbox's one query
    says the same in SQL (msem.backoffice.inbox_choices).
    """
    return user.is_active and not invitation_pending(user)


@dataclass(frozen=True)
class TeamMember:
    membership: Membership
    user: User
    # Invited, her password not chosen yet: she has never logged in.
    pending: bool
    two_factor: bool
    # For a pending member: the latest invitation (or access) e-mail the school queued for her, with its
    # state in the outbox (queued, sent, failed and the server's answer); None when there is none.
    invitation_email: OutgoingEmail | None = None


# The e-mails that let a member in: the link to choose her password, or the notice of her access.
_INVITATION_KINDS = (OutgoingEmail.Kind.INVITATION, OutgoingEmail.Kind.ACCESS_GRANTED)


def _latest_invitation_emails(*, school: School, addresses: set[str]) -> dict[str, OutgoingEmail]:
    """Each address's latest invitation or access e-mail filed under the school, in one query.

    An e-mail knows its recipient by address and its school, not by membership: the
    invitation is filed under the school that invited her (msem/accounts/invitations.py).
    Only the state is read, never the body: it holds the link that opens her account.
    """
    if not addresses:
        return {}
    sent_to_her = OutgoingEmail.objects.for_school(school).filter(kind__in=_INVITATION_KINDS)
    latest = sent_to_her.filter(to_email=OuterRef("to_email")).order_by("-created_at", "-id").values("pk")[:1]
    emails = sent_to_her.filter(to_email__in=addresses, pk=Subquery(latest)).only(
        "to_email", "kind", "status", "attempts", "last_error", "created_at", "sent_at"
    )
    return {email.to_email: email for email in emails}


def invitation_email_latest(*, school: School, email: str) -> OutgoingEmail | None:
    """Her latest invitation or access e-mail filed under the school (its state only, as above)."""
    return _latest_invitation_emails(school=school, addresses={email}).get(email)


def team_members(*, school: School) -> list[TeamMember]:
    """The school's members for the Team page: managers first, then by name."""
    memberships = (
        Membership.objects.for_school(school)
        .select_related("user")
        .annotate(
            two_factor=Exists(SecondFactor.objects.filter(user_id=OuterRef("user_id"), confirmed_at__isnull=False))
        )
    )
    pending = {membership.pk: invitation_pending(membership.user) for membership in memberships}
    emails = _latest_invitation_emails(
        school=school, addresses={membership.user.email for membership in memberships if pending[membership.pk]}
    )
    members = [
        TeamMember(
            membership=membership,
            user=membership.user,
            pending=pending[membership.pk],
            two_factor=membership.two_factor,  # type: ignore[attr-defined]
            invitation_email=emails.get(membership.user.email) if pending[membership.pk] else None,
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
