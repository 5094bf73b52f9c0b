"""Which request and which school a log line belongs to.

Each request gets an id (the reverse proxy's X-Request-ID when it sends a
sane one, a new one otherwise), returned in the response's X-Request-ID so
that a user's report, the proxy's log and ours can be matched. The id and
the school's slug live in context variables that the log formatter reads:
code that logs does not have to pass them along.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

request_id: ContextVar[str] = ContextVar("request_id", default="")
school: ContextVar[str] = ContextVar("school", default="")

# What a proxy may hand us: short, and nothing that could forge a log line.
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

access_logger = logging.getLogger("msem.request")


@contextmanager
def school_bound(slug: str) -> Iterator[None]:
    """Log lines written inside the block name this school (a worker doing one school's work)."""
    token = school.set(slug)
    try:
        yield
    finally:
        school.reset(token)


class RequestContextMiddleware:
    """First in the chain: ids the request, names its school, writes one access line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        current = given if _SANE_ID.match(given) else uuid.uuid4().hex
        id_token = request_id.set(current)
        school_token = school.set("")
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = current
            self._log(request, response.status_code, started)
            return response
        finally:
            request_id.reset(id_token)
            school.reset(school_token)

    def process_view(self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: dict[str, Any]) -> None:
        # Every school's page has the school's slug in its address.
        if slug := kwargs.get("school_slug"):
            school.set(str(slug))

    @staticmethod
    def _log(request: HttpRequest, status: int, started: float) -> None:
        match = request.resolver_match
        access_logger.info(
            "%s %s %s",
            request.method,
            # The route, not the path: paths carry the quote's and the payment link's tokens.
            match.route if match else "(no route)",
            status,
            extra={
                "http_method": request.method,
                "route": match.route if match else "",
                "view": match.view_name if match else "",
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": _user_id(request),
            },
        )


def _user_id(request: HttpRequest) -> int | None:
    """The user's id if the request already looked the user up: logging must not cost a query."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = user.__dict__.get("_wrapped", empty)
        if user is empty:
            return None
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None
