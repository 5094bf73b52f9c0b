"""When a request came, as the dossier page's header says it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import pgettext

from msem.platform import first_of_month

register = template.Library()


@register.filter
def received_moment(value: datetime | None) -> str:
    """ "aujourd'hui à 08:49", "hier à 09:45", "le 3 déc. à 14:05", "le 3 déc. 2025 à 14:05".

    The inbox's narrow column says "08:49" or "3 déc." (msem/backoffice/inbox_rows.py);
    the header has room for the day and the time together, in a sentence.
    naturaltime's "il y a 2 jours, 22 heures" was two units and another form
    than the inbox's for the same moment. The exact moment is in the page's
    <time datetime> and title.
    """
    if value is None:
        return ""
    zone = timezone.get_current_timezone()
    local = timezone.localtime(value, zone)
    today = timezone.localtime(timezone.now(), zone).date()
    clock = date_format(local, "TIME_FORMAT")
    if local.date() == today:
        return pgettext("dossier received", "today at %(time)s") % {"time": clock}
    if local.date() == today - timedelta(days=1):
        return pgettext("dossier received", "yesterday at %(time)s") % {"time": clock}
    # The inbox's day formats ("3 déc.", "3 déc. 2025"), so both pages name a day alike.
    day_format = pgettext("inbox received", "j M") if local.year == today.year else pgettext("inbox received", "j M Y")
    day = first_of_month.date_format(local, day_format)
    return pgettext("dossier received", "on %(date)s at %(time)s") % {"date": day, "time": clock}
