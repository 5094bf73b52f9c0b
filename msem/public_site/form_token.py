"""The contact form's hidden token: signed, single-use, and aware of how long the form took.

Issued with the page; on submission it proves the page came from us, tells a
robot that posts at once from a person who typed, and its nonce is the
submission's single-use key (a double click or a replay finds the first
dossier instead of creating a second).
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
    issued_at: float

    @property
    def age_seconds(self) -> float:
        return time.time() - self.issued_at

    @property
    def filled_too_fast(self) -> bool:
        return self.age_seconds < settings.MSEM_FORM_MIN_FILL_SECONDS


def form_token_issue(*, school_id: int) -> str:
    return signing.dumps({"n": secrets.token_urlsafe(18), "t": time.time(), "s": school_id}, salt=SALT)


def form_token_read(raw: str, *, school_id: int) -> FormToken | None:
    """The token if it is ours, for this school, and not too old; else None."""
    try:
        value = signing.loads(raw or "", salt=SALT, max_age=settings.MSEM_FORM_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("s") != school_id:
        return None
    return FormToken(nonce=f"form:{value['n']}", issued_at=float(value["t"]))
