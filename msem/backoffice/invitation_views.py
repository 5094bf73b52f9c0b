"""The link of an invitation e-mail: the new member of staff chooses her first password (ASVS 6.4.1).

The same pages as a password reset's (msem/backoffice/password_links.py): the
token moves from the address into the session at once, so it never stays in
the address bar, the history or a Referer.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from msem.accounts.invitations import invitation_accepted, invitation_user
from msem.backoffice.password_links import PasswordLink, password_link_open, password_link_set

INVITATION_LINK = PasswordLink(
    event_prefix="invitation",
    session_key="msem_invitation_token",
    template="backoffice/invitation.html",
    set_url_name="backoffice:invitation_set",
    user_of=invitation_user,
    done=invitation_accepted,
    done_message=_("Your password is saved. Log in with your e-mail address and this password."),
)


@never_cache
@require_http_methods(["GET"])
def invitation_open_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    return password_link_open(request, INVITATION_LINK, uidb64, token)


@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_set_view(request: HttpRequest, uidb64: str) -> HttpResponse:
    """Her password, twice, under the password policy; then she logs in with it like everyone."""
    return password_link_set(request, INVITATION_LINK, uidb64)
