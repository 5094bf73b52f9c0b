"""Limits on how many requests come in, per client IP, per school and per client address.

Checked before a request is stored, counted once it is: an invalid or
replayed submission costs nothing.
"""

from __future__ import annotations

import logging

from django.conf import settings

from msem.platform.rate_limits import Limit, private_key, rate_limits_exceeded, rate_limits_hit
from msem.platform.security_events import email_digest, security_event
from msem.schools.models import School


def _counters(school: School, ip_address: str, email: str) -> dict[str, tuple[str, Limit]]:
    """Each limit by the name the security log gives it."""
    return {
        "ip": (private_key("intake-ip", ip_address), Limit.parse(settings.MSEM_INTAKE_LIMIT_PER_IP)),
        "school": (f"intake-school:{school.pk}", Limit.parse(settings.MSEM_INTAKE_LIMIT_PER_SCHOOL)),
        "recipient": (
            private_key("intake-recipient", email.lower()),
            Limit.parse(settings.MSEM_INTAKE_LIMIT_PER_RECIPIENT),
        ),
    }


def intake_allowed(*, school: School, ip_address: str, email: str) -> bool:
    counters = _counters(school, ip_address, email)
    over = set(rate_limits_exceeded(list(counters.values())))
    if over:
        # A flood is an operator's business: which limit, from where (the client's address stays hashed).
        security_event(
            "intake.rate_limited",
            level=logging.WARNING,
            limits=[name for name, (key, _limit) in counters.items() if key in over],
            ip_address=ip_address,
            school_id=school.pk,
            email_hash=email_digest(email),
        )
    return not over


def intake_count(*, school: School, ip_address: str, email: str) -> None:
    rate_limits_hit(list(_counters(school, ip_address, email).values()))
