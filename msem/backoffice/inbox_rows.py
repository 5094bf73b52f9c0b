"""The inbox's table rows, composed in Python.

Fifty rows of nine cells through the template engine cost more than every
query of the page together (about 1 500 nodes, two `{% url %}` per row):
the rows are the page's hot loop, so they are built here with one
str.format per row, with the labels translated once. The HTML is the same
as the template's; every value is escaped (html.escape, as Django's escape
does) except the fixed fragments of this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from html import escape
from urllib.parse import quote

from django.contrib.humanize.templatetags.humanize import NaturalTimeFormatter, naturaltime
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language, gettext

from msem.inquiries.inbox import InboxRow
from msem.inquiries.models import Inquiry

_ROW = (
    "<tr{row_class}>"
    '<td class="col-check"><input type="checkbox" name="ids" value="{pk}" aria-label="{select}"></td>'
    '<td><a href="{url}">{reference}</a></td>'
    '<td><time datetime="{iso}" title="{long}">{natural}</time></td>'
    '<td><a class="client-link" href="{url}">{client}</a></td>'
    "<td>{subject}</td>"
    '<td><span class="status status-{status}">{status_label}</span>{archived}</td>'
    "<td>{assignee}</td>"
    '<td><span class="lang-badge">{language}</span></td>'
    '<td class="col-category">{category}</td>'
    "</tr>\n"
)
_PLACEHOLDER = "REFERENCE"
# DateFormat's specifiers that depend on the day alone; the others need the time or the zone.
_DAY_SPECIFIERS = frozenset("bdDEFjlLmMnNoStwWyYz")


@lru_cache(maxsize=4096)
def _day_parts(pieces: tuple[str, ...], language: str, day: date) -> tuple[tuple[str, str], ...]:
    """(text, "") where the day decides the text; ("", specifier) where the time does.

    Kept across requests: a day's names do not change, and a page of an older
    season (filters, dates) falls on as many days as it has rows. `language` is
    in the key because the names are translated.
    """
    formatter = DateFormat(day)
    parts = []
    for index, piece in enumerate(pieces):
        if not index % 2:
            parts.append((re_escaped.sub(r"\1", piece), ""))
        elif piece in _DAY_SPECIFIERS:
            parts.append((str(getattr(formatter, piece)()), ""))
        else:
            parts.append(("", piece))
    return tuple(parts)


class _LongDatetime:
    """Django's date_format(value, fmt) for the page's rows, each day's part computed once.

    A month's or a weekday's name is a translation lookup: formatting each date
    whole was a third of the rows' time. The pieces are split as Django's
    Formatter splits them (escaped letters kept).
    """

    def __init__(self, fmt: str) -> None:
        self.pieces = tuple(re_formatchars.split(str(fmt)))
        self.language = get_language()

    def __call__(self, value: datetime) -> str:
        parts = _day_parts(self.pieces, self.language, value.date())
        formatter = DateFormat(value)
        return "".join(str(getattr(formatter, piece)()) if piece else text for text, piece in parts)


@lru_cache(maxsize=2048)
def _natural_phrase(language: str, key: str, count: int) -> str:
    """One of naturaltime's phrases ("il y a 3 heures"; "2 jours" inside "il y a 2 jours, 3 heures").

    `language` is in the key because the phrase is translated.
    """
    if key in NaturalTimeFormatter.past_substrings:
        return str(NaturalTimeFormatter.past_substrings[key] % {"num": count})
    if key == "now":
        return str(NaturalTimeFormatter.time_strings["now"])
    return str(NaturalTimeFormatter.time_strings[key] % {"count": count})


class _PastUnit:
    """One of timesince's units ("%(num)d days"), its phrase for each number translated once."""

    def __init__(self, language: str, name: str) -> None:
        self.language, self.name = language, name

    def __mod__(self, values: dict[str, int]) -> str:
        return _natural_phrase(self.language, self.name, values["num"])


class _NaturalTime:
    """Django's naturaltime(value) for the page's rows, against one "now" for the page.

    Each call of naturaltime looks its phrases up in the translations again: a
    third of the rows' time on a page of older dossiers. The phrases are the
    same ones, kept per language and number; a time in the future (a clock
    ahead) goes to naturaltime itself.
    """

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or timezone.now()
        self.language = get_language()
        self.past_day = str(NaturalTimeFormatter.time_strings["past-day"])
        self.past_units = {name: _PastUnit(self.language, name) for name in NaturalTimeFormatter.past_substrings}

    def __call__(self, value: datetime) -> str:
        if value >= self.now:
            return naturaltime(value)
        delta = self.now - value
        if delta.days:
            # timesince only applies "%" to its time strings, as it does to Django's lazy ones.
            delta_text = timesince(value, self.now, time_strings=self.past_units)  # type: ignore[arg-type]
            return self.past_day % {"delta": delta_text}
        seconds = delta.seconds
        if seconds == 0:
            return _natural_phrase(self.language, "now", 0)
        if seconds < 60:
            return _natural_phrase(self.language, "past-second", seconds)
        if seconds < 3600:
            return _natural_phrase(self.language, "past-minute", seconds // 60)
        return _natural_phrase(self.language, "past-hour", seconds // 3600)


def inbox_rows_html(rows: Iterable[InboxRow], *, school_slug: str) -> SafeString:
    english = get_language() == "en"
    dossier_url = reverse("backoffice:inquiry", kwargs={"school_slug": school_slug, "reference": _PLACEHOLDER})
    statuses = {value: str(label) for value, label in Inquiry.Status.choices}
    archived = f' <span class="badge">{escape(gettext("archived"))}</span>'
    no_category = '<span class="muted">—</span>'
    select = gettext("Select %(reference)s")
    long_datetime = _LongDatetime(formats.get_format("DATETIME_FORMAT"))
    natural_time = _NaturalTime()
    zone = timezone.get_current_timezone()
    # A page holds a few subjects, statuses, assignees and categories fifty times over: each escaped once.
    escape_repeated = lru_cache(maxsize=256)(escape)
    html = []
    for inquiry in rows:
        local = timezone.localtime(inquiry.received_at, zone)
        subject_label = (
            (inquiry.subject_label_en or inquiry.subject_label_fr)
            if english
            else (inquiry.subject_label_fr or inquiry.subject_label_en)
        )
        category = inquiry.category_label_en if english else inquiry.category_label_fr
        assignee = inquiry.assignee_name
        html.append(
            _ROW.format(
                row_class=' class="is-archived"' if inquiry.archived_at else "",
                pk=int(inquiry.pk),
                select=escape(select % {"reference": inquiry.reference}),
                url=escape(dossier_url.replace(_PLACEHOLDER, quote(inquiry.reference, safe=""))),
                reference=escape(inquiry.reference),
                iso=local.isoformat(),
                long=escape_repeated(long_datetime(local)),
                natural=escape_repeated(natural_time(inquiry.received_at)),
                client=escape(inquiry.client_name),
                subject=escape_repeated(subject_label),
                status=escape_repeated(inquiry.status),
                status_label=escape_repeated(statuses.get(inquiry.status, inquiry.status)),
                archived=archived if inquiry.archived_at else "",
                assignee="—" if assignee is None else escape_repeated(assignee),
                language=escape_repeated(inquiry.language.upper()),
                category=no_category if inquiry.category_label_fr is None else escape_repeated(category or ""),
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped
