"""TRACE and CONNECT are refused before any view sees them (ASVS 13.4.4); HEAD is answered without a body.

A view that only tests `request.method == "POST"` would answer TRACE as if it
were GET; TRACE echoes requests back and has no use here, CONNECT is for proxies.

Django answers HEAD with GET's body and leaves it to the server to drop it: runserver
does, gunicorn drops it too but writes a warning for each one, so every probe of an
uptime monitor (`HEAD /health/`) would put a WARNING line in the logs.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse

_REFUSED = {"TRACE", "CONNECT"}
_ALLOWED = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class RefuseTraceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (request.method or "").upper() in _REFUSED:
            return HttpResponseNotAllowed(_ALLOWED)
        return self.get_response(request)


class HeadWithoutBodyMiddleware:
    """First in the chain: a HEAD's response keeps GET's status and headers (Content-Length too), no body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method != "HEAD":
            return response
        if isinstance(response, StreamingHttpResponse | FileResponse):
            response.streaming_content = []
        else:
            if not response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response
