"""|date with French's first of the month, "1er sept." (msem.platform.first_of_month).

A builtin of the template engine (config/settings.py, TEMPLATES): it replaces Django's filter of the
same name in every template, the back office's pages and the e-mails alike, with the same arguments and
output but for the "1er" of a French first of the month.
"""

from __future__ import annotations

from datetime import date as Date
from typing import Any

from django import template
from django.template.defaultfilters import date as django_date
from django.utils import formats

from msem.platform.first_of_month import day_format

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    if isinstance(value, Date):
        arg = day_format(str(formats.get_format(arg or "DATE_FORMAT")), value)
    return django_date(value, arg)
