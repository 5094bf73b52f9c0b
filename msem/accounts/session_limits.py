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
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from msem.accounts.models import UserSession
from msem.accounts.services import user_session_open
from msem.platform.security_events import security_event

LOGIN_AT = "msem_login_at"
SEEN_AT = "msem_seen_at"
# The id of the session's UserSession row: the list of "my sessions" (ASVS 7.5.2).
ROW = "msem_session_row"
WRITE_EVERY_SECONDS = 60


@receiver(user_logged_in)
def _stamp_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session[ROW] = user_session_open(user=user, request=request).pk


@receiver(user_logged_out)
def _forget_row(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    row = request.session.get(ROW) if hasattr(request, "session") else None
    if row is not None:
        UserSession.objects.filter(pk=row).delete()


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
                if not self._seen(request, user):
                    # Its row is gone but the session was not (ended while this request was starting).
                    security_event("session.ended_by_user", user_id=user.pk)
                    logout(request)
                    messages.info(request, _("This session has been ended from another one: please log in again."))
                    if request.path.startswith("/backoffice/"):
                        return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
        return self.get_response(request)

    @staticmethod
    def _seen(request: HttpRequest, user: Any) -> bool:
        """Move the row's last-seen time (at most once a minute, with the session's); False if the row is gone."""
        row = request.session.get(ROW)
        if row is None:  # a session opened before the list existed: it gets its row now
            request.session[ROW] = user_session_open(user=user, request=request).pk
            return True
        return bool(UserSession.objects.filter(pk=row, user_id=user.pk).update(last_seen_at=timezone.now()))
