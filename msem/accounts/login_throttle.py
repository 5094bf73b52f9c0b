"""Failed-login throttling, shared by every web process through the database."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from msem.accounts.models import LoginFailure

# An IP address may fail for this many different addresses before it is
# stopped too: an office behind one NAT address is not locked out by one
# forgetful secretary.
IP_FACTOR = 10


def _window() -> timedelta:
    return timedelta(minutes=settings.MSEM_LOGIN_FAILURE_WINDOW_MINUTES)


def login_wait_minutes(*, email: str, ip_address: str) -> int:
    """0 when a login may be tried now, else the minutes left before the next try."""
    since = timezone.now() - _window()
    limit = settings.MSEM_LOGIN_FAILURES_PER_ADDRESS
    recent = LoginFailure.objects.filter(attempted_at__gte=since)
    by_email = list(recent.filter(email=email.lower()).order_by("-attempted_at")[:limit])
    by_ip = list(recent.filter(ip_address=ip_address).order_by("-attempted_at")[: limit * IP_FACTOR])
    blocking = []
    if len(by_email) >= limit:
        blocking.append(by_email[-1].attempted_at)
    if len(by_ip) >= limit * IP_FACTOR:
        blocking.append(by_ip[-1].attempted_at)
    if not blocking:
        return 0
    free_at = max(blocking) + _window()
    return max(1, math.ceil((free_at - timezone.now()).total_seconds() / 60))


def login_failure_record(*, email: str, ip_address: str) -> None:
    LoginFailure.objects.create(email=email.lower()[:254], ip_address=ip_address)
    # Keep the table small: failures older than the window count for nothing.
    LoginFailure.objects.filter(attempted_at__lt=timezone.now() - _window() * 4).delete()


def login_failures_clear(*, email: str) -> None:
    LoginFailure.objects.filter(email=email.lower()).delete()
