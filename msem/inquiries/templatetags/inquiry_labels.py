"""{{ value|request_status }}: a dossier's status by the value a timeline event keeps ("won" → "Gagnée")."""

from __future__ import annotations

from django import template

from msem.inquiries.models import Inquiry

register = template.Library()

_STATUSES = set(Inquiry.Status.values)


@register.filter
def request_status(value: str) -> str:
    # A value no longer among the statuses (an old event) is shown as it was kept.
    return str(Inquiry.Status(value).label) if value in _STATUSES else value
