from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from msem.accounts.selectors import memberships_of_user


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the back-office frame shows around every page: the school and the school switcher.

    Only a back-office page has a membership (`school_view`); the public pages
    name their school too, and a secretary still logged in may open them (her
    school's form, from the inbox): they get nothing of the frame.
    """
    school = getattr(request, "school", None)
    membership = getattr(request, "membership", None)
    if school is None or membership is None or not request.user.is_authenticated:
        return {}
    return {
        "current_school": school,
        "current_membership": membership,
        "memberships": getattr(request, "memberships", None) or memberships_of_user(user=request.user),  # type: ignore[arg-type]
        # No 4807 gateway (docs/4807-connector.md): a sale "reported" is written to Msem's ledger, and is in
        # 4807 only once someone has typed it there from the ledger's export. Said so wherever a sale shows.
        "sales_to_ledger": not settings.MSEM_4807_URL,
    }
