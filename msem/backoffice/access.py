"""Who may see which school's back office.

Every back-office page of a school has the school's slug in its address.
A user who is not a member of that school gets a 404: the page of another
school does not exist for her, so it can't be told apart from a wrong link.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from msem.accounts.selectors import membership_for_school_slug

LAST_SCHOOL_SESSION_KEY = "msem_school_slug"

View = Callable[..., HttpResponse]


def school_view(*, managers_only: bool = False) -> Callable[[View], View]:
    """Resolve <school_slug> to the user's membership; sets request.school and request.membership."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, school_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = membership_for_school_slug(user=request.user, slug=school_slug)  # type: ignore[arg-type]
            if membership is None:
                raise Http404
            if managers_only and not membership.is_manager:
                raise PermissionDenied
            request.membership = membership  # type: ignore[attr-defined]
            request.school = membership.school  # type: ignore[attr-defined]
            if request.session.get(LAST_SCHOOL_SESSION_KEY) != school_slug:
                request.session[LAST_SCHOOL_SESSION_KEY] = school_slug
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
