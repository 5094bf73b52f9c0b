"""The contact form's hidden token: signed, single-use, and aware of how long the form took.

Issued with the page; on submission it proves the page came from us, tells a
robot that posts at once from a person who typed, and its nonce is the
submission's single-use key (a double click or a replay finds the first
dossier instead of creating a second). A form shown again with its errors gets
a new nonce but keeps the time the person started: she is not a robot for
fixing one field in a second, nor for sending again a form that expired while
she wrote it.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "msem.public_site.contact-form"


@dataclass(frozen=True)
class FormToken:
    nonce: str
    started_at: float

    @property
    def age_seconds(self) -> float:
        return time.time() - self.started_at

    @property
    def filled_too_fast(self) -> bool:
        return self.age_seconds < settings.MSEM_FORM_MIN_FILL_SECONDS


def form_token_issue(*, school_id: int, started_at: float | None = None) -> str:
    """A token for a blank form, or with `started_at` (of a token read back) for a form shown again."""
    now = time.time()
    # However many times the form comes back, its start stays within a token's lifetime.
    start = now if started_at is None else max(started_at, now - settings.MSEM_FORM_MAX_AGE_SECONDS)
    return signing.dumps({"n": secrets.token_urlsafe(18), "t": start, "s": school_id}, salt=SALT)


def _payload(raw: str, *, school_id: int, max_age: int | None) -> dict | None:
    try:
        value = signing.loads(raw or "", salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("s") != school_id:
        return None
    return value


def form_token_read(raw: str, *, school_id: int) -> FormToken | None:
    """The token if it is ours, for this school, and not too old; else None."""
    value = _payload(raw, school_id=school_id, max_age=settings.MSEM_FORM_MAX_AGE_SECONDS)
    if value is None:
        return None
    return FormToken(nonce=f"form:{value['n']}", started_at=float(value["t"]))


def form_token_started_at(raw: str, *, school_id: int) -> float | None:
    """When the person started, from a token we signed for this school, even one past its lifetime.

    An expired token is refused all the same; this only lets the form shown again
    keep its start, so that sending it again at once is not taken for a robot's.
    """
    value = _payload(raw, school_id=school_id, max_age=None)
    return None if value is None else float(value["t"])
