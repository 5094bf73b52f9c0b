"""Whether a back-office request wants a part of a page (htmx) or the whole page."""

from __future__ import annotations

from django.http import HttpRequest


def partial_wanted(request: HttpRequest) -> bool:
    """An htmx request swaps in a part of the page; restoring its history, htmx wants the whole page."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")
