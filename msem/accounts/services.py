from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.utils import timezone

from msem.accounts.models import Membership, Role, User, UserSession
from msem.platform.client_ip import client_ip
from msem.platform.security_events import security_event
from msem.schools.models import School


def user_language_set(*, user: User, language: str) -> User:
    if language not in User.Language.values:
        raise ValueError(f"unsupported language {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def membership_grant(*, school: School, user: User, role: str = Role.SECRETARY) -> Membership:
    membership, _created = Membership.objects.update_or_create(school=school, user=user, defaults={"role": role})
    return membership


def user_sessions_end(*, user_ids: Iterable[int] | None = None) -> int:
    """End the sessions of these users, or of everyone when `user_ids` is None; how many ended.

    Sessions are not indexed by user: each live one is decoded to find its owner, which is
    fine for the few hundred sessions of a deployment and only runs when an administrator asks.
    """
    if user_ids is None:
        ended, _kinds = Session.objects.all().delete()
        UserSession.objects.all().delete()
        security_event("sessions.ended", level=logging.WARNING, scope="all", count=ended)
        return ended
    wanted = {str(user_id) for user_id in user_ids}
    live = Session.objects.filter(expire_date__gt=timezone.now())
    keys = [session.session_key for session in live.iterator() if session.get_decoded().get(SESSION_KEY) in wanted]
    ended, _kinds = Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user_id__in=[int(user_id) for user_id in wanted]).delete()
    security_event("sessions.ended", level=logging.WARNING, target_user_ids=sorted(map(int, wanted)), count=ended)
    return ended


def session_key_hash(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


def _sessions_delete(key_hashes: set[str]) -> int:
    """Delete Django's sessions whose key has one of these hashes (the live ones are few: a scan is cheap)."""
    if not key_hashes:
        return 0
    live = Session.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", flat=True)
    keys = [key for key in live.iterator() if session_key_hash(key) in key_hashes]
    deleted, _kinds = Session.objects.filter(session_key__in=keys).delete()
    return deleted


def user_session_open(*, user: User, request: HttpRequest) -> UserSession:
    """The row of a session that starts (at login): what the user will see in her list of sessions."""
    if request.session.session_key is None:
        request.session.save()
    # Her rows of sessions that have reached their maximum age go (no request ever came to end them).
    UserSession.objects.filter(
        user=user, created_at__lt=timezone.now() - timedelta(hours=settings.MSEM_SESSION_MAX_HOURS)
    ).delete()
    return UserSession.objects.create(
        user=user,
        key_hash=session_key_hash(request.session.session_key or ""),
        user_agent=request.headers.get("User-Agent", "")[:200],
        ip_address=client_ip(request) or None,
    )


def user_session_rekey(*, row_id: int | None, session_key: str | None) -> None:
    """The session got a new key (a password change cycles it): its row follows."""
    if row_id is not None and session_key:
        UserSession.objects.filter(pk=row_id).update(key_hash=session_key_hash(session_key))


def user_session_end(*, user: User, session_id: int, current_id: int | None) -> bool:
    """End one of her other sessions; False if it is not hers, or is the current one."""
    if session_id == current_id:
        return False
    row = UserSession.objects.filter(pk=session_id, user=user).first()
    if row is None:
        return False
    row.delete()
    _sessions_delete({row.key_hash})
    security_event("session.ended_by_owner", user_id=user.pk, session_id=session_id)
    return True


def user_sessions_end_others(*, user: User, current_id: int | None) -> int:
    """End every session of hers but this one: they are out at their next request."""
    others = UserSession.objects.filter(user=user)
    if current_id is not None:
        others = others.exclude(pk=current_id)
    key_hashes = set(others.values_list("key_hash", flat=True))
    ended, _kinds = others.delete()
    _sessions_delete(key_hashes)
    security_event("sessions.others_ended_by_owner", user_id=user.pk, count=ended)
    return ended
