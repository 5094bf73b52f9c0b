"""Security events, one line each on the `msem.security` logger.

An operator (or the log collector's alert rules) reads these lines to see
who logged in, who failed and how often, who was refused what, and who changed
settings or took a client's data away. They go through the deployment's log
format (msem/platform/json_logs.py): the event's name is in `event`, the
request id and the school are added by the formatter, so a line can be matched
with the access line of the same request, which carries the user's id.

Never a password, and never an e-mail address in clear: an address is logged
as a keyed hash, enough to see that the same address failed twenty times from
ten places, not whose address it is (the log is read by more people than the
database).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac
from django.views.csrf import csrf_failure as django_csrf_failure

from msem.platform.client_ip import client_ip

security_logger = logging.getLogger("msem.security")

# A field value is one short line: no line breaks to forge a second log line in the plain format.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


def email_digest(email: str) -> str:
    """The same address always gives the same 16 hex digits; the digits do not give the address back."""
    return salted_hmac("msem.security.email", email.strip().lower(), algorithm="sha256").hexdigest()[:16]


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _UNSAFE.sub("?", value)[:200]
    return value


def security_event(event: str, *, level: int = logging.INFO, **fields: Any) -> None:
    """Log one event; `fields` become keys of the JSON line and `key=value` pairs of the plain one."""
    cleaned = {key: _clean(value) for key, value in fields.items() if value is not None}
    text = " ".join([event, *(f"{key}={value}" for key, value in cleaned.items())])
    security_logger.log(level, "%s", text, extra={"event": event, **cleaned})


def request_fields(request: HttpRequest) -> dict[str, Any]:
    """Where the event comes from: the client's address and the route (never the path: it may carry a token)."""
    match = request.resolver_match
    user = getattr(request, "user", None)
    return {
        "ip_address": client_ip(request),
        "route": match.route if match else None,
        "user_id": user.pk if user is not None and user.is_authenticated else None,
    }


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's 403 page for a missing or wrong CSRF token, with the refusal on record."""
    security_event("csrf.refused", level=logging.WARNING, reason=reason, **request_fields(request))
    return django_csrf_failure(request, reason=reason)


class AuthorizationFailuresMiddleware:
    """Logs every PermissionDenied a view raises (a secretary posting to a manager's page, a non-administrator
    at the admin): the refusals the pages themselves do not write down."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            security_event(
                "authorization.denied", level=logging.WARNING, reason="permission denied", **request_fields(request)
            )
