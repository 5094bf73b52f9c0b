"""When a colleague did something, as the back office's messages say it."""

from __future__ import annotations

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from msem.platform.first_of_month import date_format


def time_said(moment: datetime) -> str:
    """The hour and minute of a moment (14:32, 2:32 p.m.), with its day when it was not today.

    "Sent at 14:32, while you were writing" reads as today's 14:32: a page left open
    overnight must say it was yesterday's.
    """
    local = timezone.localtime(moment)
    clock = formats.time_format(local, "TIME_FORMAT")
    if local.date() == timezone.localdate():
        return clock
    return _("%(time)s on %(date)s") % {"time": clock, "date": date_format(local, "j F")}
