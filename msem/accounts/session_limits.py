"""Sessions end after a while of inactivity, and in any case some hours after login.

The login time and the last activity are kept in the session; the last
activity is written at most once a minute, so that reading a page does not
always cost a write.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from msem.platform.security_events import security_event

LOGIN_AT = "msem_login_at"
SEEN_AT = "msem_seen_at"
WRITE_EVERY_SECONDS = 60


@receiver(user_logged_in)
def _stamp_login(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


def session_expired(session: Any, now: float) -> bool:
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        return True
    idle = now - seen_at > settings.MSEM_SESSION_IDLE_MINUTES * 60
    too_old = now - login_at > settings.MSEM_SESSION_MAX_HOURS * 3600
    return idle or too_old


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            if session_expired(request.session, now):
                security_event("session.expired", user_id=user.pk)
                logout(request)
                messages.info(request, _("Your session has expired: please log in again."))
                if request.path.startswith("/backoffice/"):
                    return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
            elif now - request.session[SEEN_AT] > WRITE_EVERY_SECONDS:
                request.session[SEEN_AT] = int(now)
        return self.get_response(request)
