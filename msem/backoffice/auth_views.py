"""Logging in and out of the back office, changing one's password, and choosing the language."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from msem.accounts.language import SUPPORTED, language_cookie_set
from msem.accounts.login_throttle import login_failure_record, login_failures_clear, login_wait_minutes
from msem.accounts.password_reset import password_reset_done, password_reset_request, password_reset_user
from msem.accounts.selectors import open_sessions_of_user
from msem.accounts.services import (
    user_language_set,
    user_session_end,
    user_session_rekey,
    user_sessions_end_others,
)
from msem.accounts.session_limits import ROW
from msem.accounts.temporary_password import password_forced_change_done
from msem.accounts.two_factor_pending import pending_begin
from msem.backoffice.access import school_frame
from msem.backoffice.access_denied import is_admin_address
from msem.backoffice.password_forms import ChangedPasswordForm
from msem.backoffice.password_links import PasswordLink, password_link_open, password_link_set
from msem.platform.client_ip import client_ip
from msem.platform.security_events import email_digest, request_fields, security_event
from msem.validators import E_MAIL_INVALID


class LoginForm(forms.Form):
    # The autocomplete tokens let the browser's password manager fill and save this login; the page
    # opens with the keyboard in the address, as Django's own login does.
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
        error_messages={"invalid": E_MAIL_INVALID},
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _too_many(wait: int) -> str:
    return ngettext(
        "Too many failed attempts. Try again in %(minutes)d minute.",
        "Too many failed attempts. Try again in %(minutes)d minutes.",
        wait,
    ) % {"minutes": wait}


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated and request.method != "POST":
        return redirect(next_url or reverse("backoffice:home"))
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        ip_address = client_ip(request)
        wait = login_wait_minutes(email=email, ip_address=ip_address)
        if wait:
            # The password is not even checked: no login.failed, but the refusal is on record.
            security_event(
                "login.throttled",
                level=logging.WARNING,
                email_hash=email_digest(email),
                wait_minutes=wait,
                **request_fields(request),
            )
            form.add_error(None, _too_many(wait))
            status = 429
        else:
            user = authenticate(request, email=email, password=form.cleaned_data["password"])
            if user is None:
                login_failure_record(email=email, ip_address=ip_address)
                form.add_error(None, _("The e-mail address or the password is wrong."))
            elif second_step := pending_begin(request, user=user, next_url=next_url):
                # Not logged in yet: the second factor first (msem/backoffice/two_factor_views.py).
                return redirect(second_step)
            else:
                login_failures_clear(email=email)
                login(request, user)  # a new session key: no fixation
                return redirect(next_url or reverse("backoffice:home"))
    # Sent here by the admin (its login is this one): the page says whose administration it leads to.
    for_admin = next_url is not None and is_admin_address(urlsplit(next_url).path)
    context = {"form": form, "next": next_url or "", "for_admin": for_admin}
    return render(request, "backoffice/login.html", context, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)  # flushes the session
    response = redirect("backoffice:login")
    # The browser forgets the pages it kept and whatever scripts stored (ASVS 14.3.1); cookies stay,
    # the language one with them (the session cookie is already worthless).
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    """Switch the back office to French or English: for the user, or before login for the browser."""
    language = request.POST.get("language", "")
    response: HttpResponse = HttpResponseRedirect(
        _safe_next(request, request.POST.get("next")) or reverse("backoffice:home")
    )
    if language not in SUPPORTED:
        return response
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)  # type: ignore[arg-type]
    language_cookie_set(response, language)
    return response


@sensitive_post_parameters()
@csrf_protect
@login_required
@school_frame
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    """A user changes her own password: the current one first, then a new one that the policy accepts.

    Wrong current passwords count as failed logins, so a borrowed session
    cannot be used to guess the password faster than the login form allows.
    Every other session of the user ends (their session hash no longer matches).
    """
    user = request.user
    form = ChangedPasswordForm(user=user, data=request.POST or None)  # type: ignore[arg-type]
    refusal = ""
    status = 200
    if request.method == "POST":
        ip_address = client_ip(request)
        wait = login_wait_minutes(email=user.email, ip_address=ip_address)  # type: ignore[union-attr]
        if wait:
            security_event("password_change.throttled", level=logging.WARNING, **request_fields(request))
            # The form is not even checked; a fresh one, with the reason above it.
            form = ChangedPasswordForm(user=user)  # type: ignore[arg-type]
            refusal = _too_many(wait)
            status = 429
        elif form.is_valid():
            was_temporary = user.password_is_temporary  # type: ignore[union-attr]
            form.save()  # User.set_password clears the temporary mark
            password_forced_change_done(user=form.user, was_temporary=was_temporary, ip_address=ip_address)
            update_session_auth_hash(request, form.user)  # a new session key: the row follows it
            user_session_rekey(row_id=request.session.get(ROW), session_key=request.session.session_key)
            user_sessions_end_others(user=form.user, current_id=request.session.get(ROW))
            messages.success(request, _("Your password has been changed. Your other sessions have ended."))
            return redirect("backoffice:home")
        else:
            if "old_password" in form.errors:
                login_failure_record(email=user.email, ip_address=ip_address)  # type: ignore[union-attr]
            status = 400
    context = {
        "form": form,
        "refusal": refusal,
        "forced": user.password_is_temporary,  # type: ignore[union-attr]
        "sessions": open_sessions_of_user(user=user, current_id=request.session.get(ROW)),  # type: ignore[arg-type]
    }
    return render(request, "backoffice/password_change.html", context, status=status)


@login_required
@require_POST
def session_end_view(request: HttpRequest, session_id: int) -> HttpResponse:
    """End one of her other sessions (ASVS 7.5.2); another user's, or the current one, is a 404."""
    if not user_session_end(user=request.user, session_id=session_id, current_id=request.session.get(ROW)):  # type: ignore[arg-type]
        raise Http404
    messages.success(request, _("The session has been ended."))
    return redirect("backoffice:password_change")


@login_required
@require_POST
def sessions_end_others_view(request: HttpRequest) -> HttpResponse:
    ended = user_sessions_end_others(user=request.user, current_id=request.session.get(ROW))  # type: ignore[arg-type]
    messages.success(
        request,
        ngettext("%(count)d other session has been ended.", "%(count)d other sessions have been ended.", ended)
        % {"count": ended},
    )
    return redirect("backoffice:password_change")


class PasswordResetForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
        error_messages={"invalid": E_MAIL_INVALID},
    )


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_view(request: HttpRequest) -> HttpResponse:
    """ "Forgot your password?": the same answer whether the address has an account or not (ASVS 6.4.3)."""
    form = PasswordResetForm(request.POST or None)
    status = 200
    sent = False
    if request.method == "POST":
        if form.is_valid():
            if password_reset_request(email=form.cleaned_data["email"], ip_address=client_ip(request)):
                sent = True
            else:
                form.add_error(None, _("Too many requests. Try again in an hour."))
                status = 429
        else:
            status = 400
    # The lifetime the e-mail states too (msem.accounts.password_reset), from the one setting.
    context = {"form": form, "sent": sent, "link_minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
    return render(request, "backoffice/password_reset.html", context, status=status)


PASSWORD_RESET_LINK = PasswordLink(
    event_prefix="password_reset",
    session_key="msem_password_reset_token",
    template="backoffice/password_reset_confirm.html",
    set_url_name="backoffice:password_reset_set",
    user_of=password_reset_user,
    done=password_reset_done,  # every session of hers ends
    done_message=_("Your password has been changed. Log in with the new one."),
)


@never_cache
@require_http_methods(["GET"])
def password_reset_confirm_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link of the e-mail (msem/backoffice/password_links.py)."""
    return password_link_open(request, PASSWORD_RESET_LINK, uidb64, token)


@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_set_view(request: HttpRequest, uidb64: str) -> HttpResponse:
    """A new password, twice, under the same policy as "Change my password"."""
    return password_link_set(request, PASSWORD_RESET_LINK, uidb64)
