from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from msem.accounts.selectors import memberships_of_user


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the back-office frame shows around every page: the school and the school switcher."""
    school = getattr(request, "school", None)
    if school is None or not request.user.is_authenticated:
        return {}
    return {
        "current_school": school,
        "current_membership": request.membership,  # type: ignore[attr-defined]
        "memberships": getattr(request, "memberships", None) or memberships_of_user(user=request.user),  # type: ignore[arg-type]
    }
