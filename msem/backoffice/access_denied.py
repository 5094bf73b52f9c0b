"""The "access denied" of the whole site: under /admin/, the platform operator's words, not a school's.

Django has one handler403 for every address, so the address decides (as for
the 404, msem/public_site/not_found.py). A school's manager or secretary who
opens the admin (a bookmark, a link passed around) is refused there: the
back office's page would tell her to ask her school's manager, who cannot
open it either. The admin's page says whose administration it is and leads
her back to her school's dashboard.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.template.loader import render_to_string
from django.urls import reverse
from django.views import defaults

from msem.accounts.selectors import memberships_of_user
from msem.backoffice.access import membership_worked_on_last


def is_admin_address(path: str) -> bool:
    """Whether `path` (with the script's prefix, as request.path and a `next` have it) is in the admin."""
    return path.startswith(reverse("admin:index"))


def _way_back(request: HttpRequest) -> str:
    """Her school's dashboard (the one she worked on last); the admin's first page for an administrator."""
    if request.user.is_staff:
        # Refused one page of the admin (a permission she lacks), not the admin.
        return reverse("admin:index")
    if request.user.is_authenticated:
        memberships = list(memberships_of_user(user=request.user))  # type: ignore[arg-type]
        if membership := membership_worked_on_last(request, memberships):
            return reverse("backoffice:dashboard", kwargs={"school_slug": membership.school.slug})
    return reverse("backoffice:home")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_admin_address(request.path):
        return defaults.permission_denied(request, exception)
    context = {"way_back": _way_back(request), "administrator": request.user.is_staff}
    return HttpResponseForbidden(render_to_string("admin/access_denied.html", context, request=request))
