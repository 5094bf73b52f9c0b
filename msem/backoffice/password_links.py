"""The two pages behind a link e-mailed to choose a password: a password reset, an invitation.

Like Django's PasswordResetConfirmView, the link's token moves from the address
into the session at once, and the browser goes on to an address without it: the
token never stays in the address bar, the history or a Referer, and the pages
send no Referer themselves. The page that sets the password reads the token
from the session, checks it again, and forgets it once the password is saved.
What differs between a reset and an invitation (who the token names, what is
recorded, what is said) is a `PasswordLink`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation

from msem.accounts.language import SUPPORTED, language_cookie_set
from msem.accounts.models import User
from msem.backoffice.password_forms import NewPasswordForm
from msem.platform.client_ip import client_ip
from msem.platform.security_events import request_fields, security_event


@dataclass(frozen=True)
class PasswordLink:
    event_prefix: str  # "password_reset" → the security event "password_reset.bad_link"
    session_key: str
    template: str
    set_url_name: str  # the page that sets the password, reached without the token
    user_of: Callable[[str, str], User | None]  # (uidb64, token) → the user the token opens, if any
    done: Callable[..., None]  # recorded once the password is saved: done(user=…, ip_address=…)
    done_message: Any  # a lazy translation, said on the login page


def _no_referrer(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    return response


def _dead_link(request: HttpRequest, link: PasswordLink) -> HttpResponse:
    security_event(f"{link.event_prefix}.bad_link", level=logging.WARNING, **request_fields(request))
    return _no_referrer(render(request, link.template, {"form": None}, status=400))


def password_link_open(request: HttpRequest, link: PasswordLink, uidb64: str, token: str) -> HttpResponse:
    """The e-mailed address: the token goes into the session, the browser to the page without it."""
    if link.user_of(uidb64, token) is None:
        return _dead_link(request, link)
    request.session[link.session_key] = token
    return _no_referrer(redirect(link.set_url_name, uidb64=uidb64))


def password_link_set(request: HttpRequest, link: PasswordLink, uidb64: str) -> HttpResponse:
    """Her password, twice, under the password policy; then she logs in with it like everyone."""
    user = link.user_of(uidb64, request.session.get(link.session_key, ""))
    if user is None:
        return _dead_link(request, link)
    # The link names her: the page speaks the language of her account (the one her e-mail was
    # written in), not the browser's default French; so does the login page she goes on to.
    language = user.language if user.language in SUPPORTED else settings.LANGUAGE_CODE
    with translation.override(language):
        form = NewPasswordForm(user=user, data=request.POST or None)
        if request.method == "POST" and form.is_valid():
            form.save()  # the token was made from the old password: it dies with it
            request.session.pop(link.session_key, None)
            link.done(user=user, ip_address=client_ip(request))
            # Stored after the view, when the middleware's language is back: written in hers now.
            messages.success(request, str(link.done_message))
            response: HttpResponse = redirect("backoffice:login")
            language_cookie_set(response, language)
            return response
        status = 400 if request.method == "POST" else 200
        response = render(request, link.template, {"form": form, "link_user": user}, status=status)
    response["Content-Language"] = language
    return response
