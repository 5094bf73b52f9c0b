"""Two-step verification pages: the code step of the login, enrolling, and "Two-step verification" in her menu.

Every wrong code counts as a failed login (msem/accounts/login_throttle.py):
the password and the code share one budget per address, so knowing the
password buys no extra guesses at the code. A right password does not clear
the failures either; only a complete login does.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from msem.accounts.login_throttle import login_failure_record, login_wait_minutes
from msem.accounts.models import User
from msem.accounts.two_factor import (
    RECOVERY_CODES,
    confirmed_second_factor,
    recovery_codes_left,
    recovery_codes_regenerate,
    second_factor_enrolment_confirm,
    second_factor_enrolment_start,
    second_factor_remove,
    second_factor_verify,
    two_factor_required,
)
from msem.accounts.two_factor_pending import ENROL, VERIFY, Pending, pending_complete, pending_of
from msem.backoffice.access import school_frame
from msem.backoffice.auth_views import _safe_next, _too_many
from msem.backoffice.qr_code import qr_svg
from msem.backoffice.two_factor_forms import AppCodeForm, VerificationCodeForm
from msem.platform.client_ip import client_ip
from msem.platform.security_events import email_digest, request_fields, security_event

# Few enough left that she should print new ones.
_FEW_CODES_LEFT = 3


def _throttled(request: HttpRequest, user: User) -> int:
    wait = login_wait_minutes(email=user.email, ip_address=client_ip(request))
    if wait:
        security_event(
            "two_factor.throttled",
            level=logging.WARNING,
            email_hash=email_digest(user.email),
            wait_minutes=wait,
            **{**request_fields(request), "user_id": user.pk},
        )
    return wait


def _wrong_code(request: HttpRequest, user: User, form: AppCodeForm | VerificationCodeForm) -> None:
    login_failure_record(email=user.email, ip_address=client_ip(request))
    security_event(
        "two_factor.failed",
        level=logging.WARNING,
        email_hash=email_digest(user.email),
        **{**request_fields(request), "user_id": user.pk},
    )
    form.add_error("code", _("This code is wrong, or it has already been used. Type the next one."))


def _start_again(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Too much time has passed since you typed your password: please log in again."))
    return redirect("backoffice:login")


def _after_login(request: HttpRequest, pending: Pending) -> str:
    return _safe_next(request, pending.next_url) or reverse("backoffice:home")


def _codes_warning(request: HttpRequest, user: User) -> None:
    left = recovery_codes_left(user=user)
    if left <= _FEW_CODES_LEFT:
        text = ngettext(
            "You have %(count)d recovery code left: make new ones in “Two-step verification”.",
            "You have %(count)d recovery codes left: make new ones in “Two-step verification”.",
            left,
        )
        messages.warning(request, text % {"count": left})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_verify_view(request: HttpRequest) -> HttpResponse:
    """The second step of the login: the code of her app, or a recovery code."""
    pending = pending_of(request, VERIFY)
    if pending is None:
        return _start_again(request)
    form = VerificationCodeForm(request.POST or None)
    status = 200
    refusal = ""
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif wait := _throttled(request, pending.user):
            form, refusal, status = VerificationCodeForm(), _too_many(wait), 429
        else:
            method = second_factor_verify(user=pending.user, code=form.cleaned_data["code"])
            if method is None:
                _wrong_code(request, pending.user, form)
                status = 400
            else:
                security_event(
                    "two_factor.succeeded", user_id=pending.user.pk, method=method, ip_address=client_ip(request)
                )
                pending_complete(request, pending, method=f"password+{method}")
                if method == "recovery":
                    _codes_warning(request, pending.user)
                return redirect(_after_login(request, pending))
    return render(request, "backoffice/login_verify.html", {"form": form, "refusal": refusal}, status=status)


def _enrolment_context(user: User, form: AppCodeForm, refusal: str) -> dict[str, object]:
    enrolment = second_factor_enrolment_start(user=user)
    return {
        "form": form,
        "refusal": refusal,
        "secret": enrolment.secret_grouped,
        "uri": enrolment.uri,
        "qr": qr_svg(enrolment.uri, title=_("QR code to scan with your authenticator app")),
    }


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_enrol_view(request: HttpRequest) -> HttpResponse:
    """Two-step verification is required for her and she has none yet: she sets it up before going any further."""
    pending = pending_of(request, ENROL)
    if pending is None or confirmed_second_factor(user=pending.user) is not None:
        # Set up meanwhile (another tab): her login now goes through the code step.
        return _start_again(request)
    form = AppCodeForm(request.POST or None)
    status = 200
    refusal = ""
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif wait := _throttled(request, pending.user):
            form, refusal, status = AppCodeForm(), _too_many(wait), 429
        else:
            codes = second_factor_enrolment_confirm(user=pending.user, code=form.cleaned_data["code"])
            if codes is None:
                _wrong_code(request, pending.user, form)
                status = 400
            else:
                pending_complete(request, pending, method="password+totp")
                context = {"codes": codes, "continue_url": _after_login(request, pending)}
                return render(request, "backoffice/login_recovery_codes.html", context)
    return render(
        request, "backoffice/login_enrol.html", _enrolment_context(pending.user, form, refusal), status=status
    )


@login_required
@school_frame
@never_cache
@require_http_methods(["GET"])
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Her "Two-step verification" page: on or off, since when, recovery codes left, what she may do."""
    user: User = request.user  # type: ignore[assignment]
    factor = confirmed_second_factor(user=user)
    context = {
        "factor": factor,
        "required": two_factor_required(user=user),
        "codes_left": recovery_codes_left(user=user) if factor else 0,
        "codes_total": RECOVERY_CODES,
        "form": VerificationCodeForm(),
    }
    return render(request, "backoffice/two_factor.html", context)


@sensitive_post_parameters("code")
@login_required
@school_frame
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_enrol_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if confirmed_second_factor(user=user) is not None:
        return redirect("backoffice:two_factor")
    form = AppCodeForm(request.POST or None)
    status = 200
    refusal = ""
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif wait := _throttled(request, user):
            form, refusal, status = AppCodeForm(), _too_many(wait), 429
        else:
            codes = second_factor_enrolment_confirm(user=user, code=form.cleaned_data["code"])
            if codes is None:
                _wrong_code(request, user, form)
                status = 400
            else:
                return render(request, "backoffice/two_factor_codes.html", {"codes": codes, "enrolled": True})
    return render(request, "backoffice/two_factor_enrol.html", _enrolment_context(user, form, refusal), status=status)


def _account_code_check(request: HttpRequest, user: User) -> tuple[bool, HttpResponse | None]:
    """A current code before a change of her second factor; (True, None) when it is right, else the page to show."""
    form = VerificationCodeForm(request.POST)
    status = 400
    refusal = ""
    if form.is_valid():
        if wait := _throttled(request, user):
            form, refusal, status = VerificationCodeForm(), _too_many(wait), 429
        elif second_factor_verify(user=user, code=form.cleaned_data["code"]) is None:
            _wrong_code(request, user, form)
        else:
            return True, None
    context = {
        "factor": confirmed_second_factor(user=user),
        "required": two_factor_required(user=user),
        "codes_left": recovery_codes_left(user=user),
        "codes_total": RECOVERY_CODES,
        "form": form,
        "refusal": refusal,
    }
    return False, render(request, "backoffice/two_factor.html", context, status=status)


@sensitive_post_parameters("code")
@login_required
@school_frame
@never_cache
@require_POST
def two_factor_codes_view(request: HttpRequest) -> HttpResponse:
    """New recovery codes, after a current code; the old ones stop working."""
    user: User = request.user  # type: ignore[assignment]
    if confirmed_second_factor(user=user) is None:
        return redirect("backoffice:two_factor")
    ok, refusal = _account_code_check(request, user)
    if not ok:
        return refusal  # type: ignore[return-value]
    codes = recovery_codes_regenerate(user=user)
    return render(request, "backoffice/two_factor_codes.html", {"codes": codes, "enrolled": False})


@sensitive_post_parameters("code")
@login_required
@school_frame
@never_cache
@require_POST
def two_factor_disable_view(request: HttpRequest) -> HttpResponse:
    """Turn it off, after a current code; never when the deployment requires it of her."""
    user: User = request.user  # type: ignore[assignment]
    if confirmed_second_factor(user=user) is None:
        return redirect("backoffice:two_factor")
    if two_factor_required(user=user):
        security_event("two_factor.disable_refused", level=logging.WARNING, **request_fields(request))
        messages.error(request, _("Two-step verification is required for your account: it cannot be turned off."))
        return redirect("backoffice:two_factor")
    ok, refusal = _account_code_check(request, user)
    if not ok:
        return refusal  # type: ignore[return-value]
    second_factor_remove(user=user, by=user)
    messages.success(request, _("Two-step verification is off. Your password alone now opens your account."))
    return redirect("backoffice:two_factor")
