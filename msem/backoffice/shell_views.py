"""The back office's entry points: where a user lands, and the requests list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from msem.accounts.selectors import memberships_of_user
from msem.backoffice.access import LAST_SCHOOL_SESSION_KEY


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """Send the user to the school she worked on last, or to her first one."""
    memberships = list(memberships_of_user(user=request.user))  # type: ignore[arg-type]
    if not memberships:
        if request.user.is_staff:
            # A platform administrator's work is in the admin; "ask the administrators" would be addressed to her.
            return redirect("admin:index")
        return render(request, "backoffice/no_school.html", status=403)
    last = request.session.get(LAST_SCHOOL_SESSION_KEY)
    slug = next((m.school.slug for m in memberships if m.school.slug == last), memberships[0].school.slug)
    return redirect("backoffice:inquiries", school_slug=slug)
