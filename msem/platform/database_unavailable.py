"""When the database cannot be reached: a clear 503 page, never a half-done success."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)


def database_unavailable_response(request: HttpRequest, exception: Exception) -> HttpResponse:
    logger.error("database unavailable on %s: %s", request.path, exception)
    response: HttpResponse
    if request.path.startswith("/api/"):
        message = _("Temporarily unavailable. Nothing was stored: try again in a few minutes.")
        response = JsonResponse({"error": message, "fields": {}}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    """The views' errors: the database went away while a view ran."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        return database_unavailable_response(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, but the 503 page when the error is the database being unreachable.

    A middleware that reads the database before any view runs (the session and
    its user, for whoever carries a session cookie) fails outside the reach of
    process_exception; Django turns that into a 500, and calls this view while
    still handling the exception.
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        return database_unavailable_response(request, exception)
    return defaults.server_error(request)
