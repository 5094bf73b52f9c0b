"""Between the password and the second factor: the pending login kept in the session.

The password step does not log in. It writes who is halfway (her id, the
authentication backend, a hash tied to her password, the time) in the anonymous
session; the code step reads it back. `login()` is called only once the second
factor is checked (or, for someone who must enrol, once her app is confirmed),
so the session key changes then and nothing before that is a logged-in session.
The halfway state lasts a few minutes at most.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import login
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from msem.accounts.login_throttle import login_failures_clear
from msem.accounts.models import User
from msem.accounts.two_factor import confirmed_second_factor, two_factor_required
from msem.platform.security_events import request_fields, security_event

PENDING = "msem_two_factor_pending"
VERIFY = "verify"
ENROL = "enrol"
# Time to take the phone and type a code; enrolling (install an app, scan) takes longer.
PENDING_SECONDS = {VERIFY: 5 * 60, ENROL: 15 * 60}


@dataclass(frozen=True)
class Pending:
    user: User
    step: str
    next_url: str


def second_step_of(user: User) -> str | None:
    if confirmed_second_factor(user=user) is not None:
        return VERIFY
    if two_factor_required(user=user):
        return ENROL
    return None


def pending_begin(request: HttpRequest, *, user: User, next_url: str | None) -> str | None:
    """After a right password: the URL of the second step, or None when she has none (log her in at once)."""
    step = second_step_of(user)
    if step is None:
        return None
    request.session[PENDING] = {
        "user_id": user.pk,
        "backend": getattr(user, "backend", ""),
        "auth_hash": user.get_session_auth_hash(),
        "step": step,
        "since": int(time.time()),
        "next": next_url or "",
    }
    security_event("two_factor.asked", user_id=user.pk, step=step, **_where(request))
    return reverse("backoffice:login_verify" if step == VERIFY else "backoffice:login_enrol")


def _where(request: HttpRequest) -> dict[str, Any]:
    return {key: value for key, value in request_fields(request).items() if key != "user_id"}


def pending_of(request: HttpRequest, step: str) -> Pending | None:
    """The halfway login for this step, or None (none, another step, expired, password changed since)."""
    state = request.session.get(PENDING)
    if not isinstance(state, dict) or state.get("step") != step:
        return None
    user = User.objects.filter(pk=int(state.get("user_id") or 0), is_active=True).first()
    expired = time.time() - state.get("since", 0) > PENDING_SECONDS[step]
    if user is None or expired or not constant_time_compare(state.get("auth_hash", ""), user.get_session_auth_hash()):
        request.session.pop(PENDING, None)
        security_event(
            "two_factor.pending_expired", level=logging.WARNING, user_id=state.get("user_id"), **_where(request)
        )
        return None
    return Pending(user=user, step=step, next_url=state.get("next", ""))


def pending_complete(request: HttpRequest, pending: Pending, *, method: str) -> None:
    """The second step is done: log her in (a new session key), and her failed attempts are forgotten."""
    state = request.session.pop(PENDING)
    login_failures_clear(email=pending.user.email)
    request.msem_login_method = method  # type: ignore[attr-defined]  # read by the login.succeeded event
    login(request, pending.user, backend=state.get("backend") or None)


def pending_drop(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)
