"""The reception time of a request, in the same words on the dossier page as in the inbox."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from msem.backoffice.inbox_rows import ReceivedShort

register = template.Library()


@register.filter
def received_short(value: datetime | None) -> str:
    """The inbox's "14:05" today, "hier 14:05", "3 déc.", "3 déc. 2025" for one request.

    naturaltime's "il y a 2 jours, 22 heures" was two units, and another form
    than the inbox's for the same moment; the exact moment is in the page's
    <time datetime> and title.
    """
    if value is None:
        return ""
    zone = timezone.get_current_timezone()
    return ReceivedShort(timezone.now(), zone)(timezone.localtime(value, zone))
