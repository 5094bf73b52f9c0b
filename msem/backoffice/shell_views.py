"""The back office's entry points: where a user lands, and the requests list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from msem.accounts.selectors import memberships_of_user
from msem.backoffice.access import membership_worked_on_last


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """Send the user to the school she worked on last, or to her first one."""
    memberships = list(memberships_of_user(user=request.user))  # type: ignore[arg-type]
    if not memberships:
        if request.user.is_staff:
            # A platform administrator's work is in the admin; "ask the administrators" would be addressed to her.
            return redirect("admin:index")
        return render(request, "backoffice/no_school.html", status=403)
    membership = membership_worked_on_last(request, memberships)
    assert membership is not None
    return redirect("backoffice:inquiries", school_slug=membership.school.slug)
