"""The link of an invitation e-mail: the new member of staff chooses her first password (ASVS 6.4.1).

Built like the reset pages (auth_views.py): the token moves from the address into
the session at once, so it never stays in the address bar, the history or a Referer.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from msem.accounts.invitations import invitation_accepted, invitation_user
from msem.platform.client_ip import client_ip
from msem.platform.security_events import request_fields, security_event

_INVITATION_TOKEN = "msem_invitation_token"
TEMPLATE = "backoffice/invitation.html"


def _dead_link(request: HttpRequest) -> HttpResponse:
    security_event("invitation.bad_link", level=logging.WARNING, **request_fields(request))
    response = render(request, TEMPLATE, {"form": None}, status=400)
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_http_methods(["GET"])
def invitation_open_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    if invitation_user(uidb64, token) is None:
        return _dead_link(request)
    request.session[_INVITATION_TOKEN] = token
    response = redirect("backoffice:invitation_set", uidb64=uidb64)
    response["Referrer-Policy"] = "no-referrer"
    return response


@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_set_view(request: HttpRequest, uidb64: str) -> HttpResponse:
    """Her password, twice, under the password policy; then she logs in with it like everyone."""
    user = invitation_user(uidb64, request.session.get(_INVITATION_TOKEN, ""))
    if user is None:
        return _dead_link(request)
    form = SetPasswordForm(user=user, data=request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            form.save()  # the token dies with the unusable password it was made from
            request.session.pop(_INVITATION_TOKEN, None)
            invitation_accepted(user=user, ip_address=client_ip(request))
            messages.success(request, _("Your password is saved. Log in with your e-mail address and this password."))
            return redirect("backoffice:login")
        status = 400
    return render(request, TEMPLATE, {"form": form, "invited": user}, status=status)
