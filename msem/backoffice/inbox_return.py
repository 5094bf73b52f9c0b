"""The way back from a dossier to the inbox as the secretary left it.

The inbox's rows link to each dossier with the list's query string in `back`;
the dossier's "Requests" link, and every form of the dossier page, carry it on,
so that after taking, saving or answering she returns to her search, her sort
and her page rather than to her default filters. `back` only ever becomes the
query string of the inbox's own address, rebuilt from the inbox's own keys:
it cannot lead anywhere else.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, QueryDict
from django.urls import reverse

from msem.backoffice.inbox_forms import CRITERIA_KEYS

# In the inbox's URL, this marks criteria chosen on purpose (even none): the default filter is not applied.
EXPLICIT = "f"
# The saved view she chose (its id), so that the list names it rather than another view of the same criteria.
VIEW = "view"
BACK = "back"
# A list's query string is a few hundred characters; anything much longer is not one of ours.
_MAX_LENGTH = 2000
_INBOX_KEYS = frozenset((*CRITERIA_KEYS, EXPLICIT, VIEW, "after"))


def back_query(raw: str) -> str:
    """The inbox query string to return to, kept to the inbox's keys; empty when there is none."""
    if not raw or len(raw) > _MAX_LENGTH:
        return ""
    params = QueryDict(raw)
    kept = [(key, value) for key in params if key in _INBOX_KEYS for value in params.getlist(key)]
    if not kept:
        return ""
    # The list was chosen on purpose: returning to it must not apply the default filter instead.
    if EXPLICIT not in params:
        kept.insert(0, (EXPLICIT, "1"))
    return urlencode(kept)


def criteria_query(criteria: dict[str, list[str]], *, view: int) -> str:
    """The inbox's query string of a saved view: its criteria, and which view it is (see saved_view_shown)."""
    pairs = [(key, value) for key, values in criteria.items() for value in values]
    return urlencode([(EXPLICIT, "1"), *pairs, (VIEW, str(view))])


def request_back(request: HttpRequest) -> str:
    """The `back` this dossier page (or one of its forms) was reached with."""
    return back_query(request.GET.get(BACK, ""))


def back_suffix(back: str) -> str:
    """What to append to a dossier page's address (or a form's action) to keep the way back."""
    return f"?{urlencode({BACK: back})}" if back else ""


def inbox_return_url(*, school_slug: str, back: str) -> str:
    base = reverse("backoffice:inquiries", kwargs={"school_slug": school_slug})
    return f"{base}?{back}" if back else base
