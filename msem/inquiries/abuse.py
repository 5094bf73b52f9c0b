"""Limits on how many requests come in, per client IP, per school and per client address.

Checked before a request is stored, counted once it is: an invalid or
replayed submission costs nothing.
"""

from __future__ import annotations

from django.conf import settings

from msem.platform.rate_limits import Limit, private_key, rate_limits_allow, rate_limits_hit
from msem.schools.models import School


def _counters(school: School, ip_address: str, email: str) -> list[tuple[str, Limit]]:
    return [
        (private_key("intake-ip", ip_address), Limit.parse(settings.MSEM_INTAKE_LIMIT_PER_IP)),
        (f"intake-school:{school.pk}", Limit.parse(settings.MSEM_INTAKE_LIMIT_PER_SCHOOL)),
        (private_key("intake-recipient", email.lower()), Limit.parse(settings.MSEM_INTAKE_LIMIT_PER_RECIPIENT)),
    ]


def intake_allowed(*, school: School, ip_address: str, email: str) -> bool:
    return rate_limits_allow(_counters(school, ip_address, email))


def intake_count(*, school: School, ip_address: str, email: str) -> None:
    rate_limits_hit(_counters(school, ip_address, email))
