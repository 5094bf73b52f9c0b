"""A password an administrator typed is temporary: its user chooses her own before anything else (ASVS 6.4.1).

The admin's password form marks the password (User.password_is_temporary); while
the mark is there, every page of the back office and of the admin sends her to
"Change my password", which she can fill in since she knows the temporary one.
Choosing her own password (User.set_password) clears the mark.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from msem.accounts.models import User
from msem.platform.security_events import security_event

# What she may still do: change the password (and end her sessions on that page), log out, switch language.
_ALLOWED = {
    "backoffice:password_change",
    "backoffice:session_end",
    "backoffice:sessions_end_others",
    "backoffice:logout",
    "backoffice:language",
    "backoffice:login",
}
_GUARDED_PREFIXES = ("/backoffice/", "/admin/")


def password_set_by_administrator(*, user: User, administrator: User) -> None:
    """After the admin's password form saved a password: temporary, unless she typed her own."""
    if not user.has_usable_password():
        return
    temporary = user.pk != administrator.pk
    if user.password_is_temporary != temporary:
        user.password_is_temporary = temporary
        user.save(update_fields=["password_is_temporary"])
    security_event(
        "password.set_by_administrator", user_id=user.pk, administrator_id=administrator.pk, temporary=temporary
    )


def password_forced_change_done(*, user: User, was_temporary: bool, ip_address: str) -> None:
    """She replaced a temporary password with her own: on record."""
    if was_temporary:
        security_event("password.forced_change_done", user_id=user.pk, ip_address=ip_address)


class TemporaryPasswordMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not getattr(user, "password_is_temporary", False):
            return None
        if not request.path_info.startswith(_GUARDED_PREFIXES):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in _ALLOWED:
            return None
        target = reverse("backoffice:password_change")
        if request.headers.get("HX-Request"):
            # An htmx request would swap the page into a fragment: the browser goes there whole.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
