"""Passwords known from data breaches are refused (ASVS 6.2.12).

Have I Been Pwned's "Pwned Passwords" range API, with k-anonymity: only the
first 5 hex digits of the password's SHA-1 leave the server; the service answers
every suffix it knows under that prefix ("SUFFIX:COUNT" lines), and the match is
made here. `Add-Padding: true` asks it to pad the answer with fake suffixes of
count 0, so that the answer's size does not tell an observer which prefix it was.

When the service cannot be reached (timeout, error, unreadable answer) the
password is accepted and a warning goes to the `msem.security` log: an outage of
a third party must not stop a secretary from choosing her password during the
Christmas peak, and the other validators still apply.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from msem.platform.security_events import security_event

PREFIX_LENGTH = 5
# The answer for one prefix is about 30 kB (padded, up to 1,000 lines); more is not a range answer.
_MAX_ANSWER_BYTES = 1_000_000


class PwnedPasswordsUnavailable(Exception):
    pass


def _sha1_hex(password: str) -> str:
    # SHA-1 is the service's index, not a way of storing the password: nothing here is kept.
    return hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()


def _range_answer(url: str, prefix: str, timeout: float) -> str:
    request = urllib.request.Request(  # noqa: S310 — the URL is the operator's setting, http(s) only
        f"{url}/range/{prefix}",
        headers={"Add-Padding": "true", "User-Agent": "msem-password-check"},
    )
    if not request.full_url.startswith(("https://", "http://")):
        raise PwnedPasswordsUnavailable("not an http(s) URL")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.read(_MAX_ANSWER_BYTES).decode("ascii", errors="replace")
    # URLError, HTTPError (a 500), timeouts and resets are OSError; a cut answer is an HTTPException.
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise PwnedPasswordsUnavailable(type(error).__name__) from error


def breach_count(password: str) -> int | None:
    """How many times the password appears in known breaches; None when the check is off or failed."""
    url = settings.MSEM_PWNED_PASSWORDS_URL
    if not url:
        return None
    digest = _sha1_hex(password)
    prefix, suffix = digest[:PREFIX_LENGTH], digest[PREFIX_LENGTH:]
    try:
        answer = _range_answer(url, prefix, settings.MSEM_PWNED_PASSWORDS_TIMEOUT_SECONDS)
    except PwnedPasswordsUnavailable as error:
        security_event("password.breach_check_unavailable", level=logging.WARNING, reason=str(error))
        return None
    for line in answer.splitlines():
        candidate, _colon, count = line.strip().partition(":")
        if candidate.upper() == suffix:
            try:
                return int(count)
            except ValueError:
                return 0
    return 0


class PwnedPasswordValidator:
    """Refuses a password found in Have I Been Pwned's breached passwords (padding lines count 0)."""

    def validate(self, password: str, user: Any = None) -> None:
        count = breach_count(password)
        if count:
            raise ValidationError(
                _(
                    "This password appears in data breaches published on the Internet: "
                    "attackers try such passwords first. Choose another one."
                ),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _("Your password can’t be one that has appeared in a known data breach.")
