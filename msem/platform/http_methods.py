"""TRACE and CONNECT are refused before any view sees them (ASVS 13.4.4).

A view that only tests `request.method == "POST"` would answer TRACE as if it
were GET; TRACE echoes requests back and has no use here, CONNECT is for proxies.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

_REFUSED = {"TRACE", "CONNECT"}
_ALLOWED = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class RefuseTraceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (request.method or "").upper() in _REFUSED:
            return HttpResponseNotAllowed(_ALLOWED)
        return self.get_response(request)
