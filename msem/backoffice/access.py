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
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from msem.accounts.models import Membership, User
from msem.accounts.selectors import memberships_of_user
from msem.platform.security_events import request_fields, security_event
from msem.schools.models import School

LAST_SCHOOL_SESSION_KEY = "msem_school_slug"


class SchoolRequest(HttpRequest):
    """A request that went through school_view: its user is a member of request.school."""

    school: School
    membership: Membership
    memberships: list[Membership]
    user: User  # type: ignore[assignment]


View = Callable[..., HttpResponseBase]


def school_view(*, managers_only: bool = False) -> Callable[[View], View]:
    """Resolve <school_slug> to the user's membership; sets request.school and request.membership."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, school_slug: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            # One query gives both the door check and the school switcher's list.
            memberships = list(memberships_of_user(user=request.user))  # type: ignore[arg-type]
            membership = next((m for m in memberships if m.school.slug == school_slug), None)
            if membership is None:
                # Info, not warning: a user with two schools' bookmarks does this too.
                security_event(
                    "authorization.denied",
                    reason="not a member of the school",
                    school_slug=school_slug,
                    **request_fields(request),
                )
                raise Http404
            request.memberships = memberships  # type: ignore[attr-defined]
            if managers_only and not membership.is_manager:
                raise PermissionDenied
            request.membership = membership  # type: ignore[attr-defined]
            request.school = membership.school  # type: ignore[attr-defined]
            if request.session.get(LAST_SCHOOL_SESSION_KEY) != school_slug:
                request.session[LAST_SCHOOL_SESSION_KEY] = school_slug
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def membership_worked_on_last(request: HttpRequest, memberships: list[Membership]) -> Membership | None:
    """The school she opened last in this session, or her first one; None if she belongs to none."""
    last = request.session.get(LAST_SCHOOL_SESSION_KEY)
    return next((m for m in memberships if m.school.slug == last), memberships[0] if memberships else None)


def school_frame(view: View) -> View:
    """Her own account's pages (password, two-step verification) in the frame of the school she works on.

    Their address names no school, but she came from one: they show its menu,
    as every other page does, so that she has a way back other than the
    browser's button. Under login_required: the login's own steps (the code,
    the enrolment it demands) never get it, she is not through the login yet.
    Nor does a temporary password's page: every link of the menu would lead
    back to it (TemporaryPasswordMiddleware).
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and not getattr(user, "password_is_temporary", False):
            memberships = list(memberships_of_user(user=user))  # type: ignore[arg-type]
            membership = membership_worked_on_last(request, memberships)
            if membership is not None:
                request.memberships = memberships  # type: ignore[attr-defined]
                request.membership = membership  # type: ignore[attr-defined]
                request.school = membership.school  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped
