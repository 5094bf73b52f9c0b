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
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from html import escape
from urllib.parse import quote

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, npgettext, pgettext

from msem.backoffice.inbox_return import back_suffix
from msem.inquiries.inbox import InboxRow
from msem.inquiries.models import Inquiry
from msem.platform.first_of_month import day_number, names_the_month

# The roles repeat the elements' own: on a phone the rows are laid out as cards (display: grid), and
# a browser may then drop the table's semantics (WebKit did); written out, they stay a table's rows and
# cells for a screen reader, each cell named by its column's header. The labels (data-label) are the
# cards' visible headings of the cells whose value does not say what it is; the checkbox's <label> is
# a card's whole left edge, a finger's target.
_ROW = (
    '<tr role="row"{row_class}>'
    '<td role="cell" class="col-check"><label class="row-check">'
    '<input type="checkbox" name="ids" value="{pk}" aria-label="{select}"></label></td>'
    '<td role="cell" class="col-reference"><a class="reference-link" href="{url}">{reference}</a></td>'
    '<td role="cell" class="col-received"><time datetime="{iso}" title="{long}">{short}</time></td>'
    '<td role="cell" class="col-client"><span class="one-line">{language_badge}'
    '<a class="client-link" href="{url}" title="{client}">{client}</a></span></td>'
    "{stay_cell}"
    "{subject_cell}"
    '<td role="cell" class="col-status"><span class="status status-{status}">{status_label}</span>{archived}</td>'
    "{assignee_cell}"
    "{category_cell}"
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
    # "1er déc." in French where the month is named (msem/platform/first_of_month.py).
    first = day_number(day, language) if names_the_month("".join(pieces)) else str(day.day)
    parts = []
    for index, piece in enumerate(pieces):
        if not index % 2:
            parts.append((re_escaped.sub(r"\1", piece), ""))
        elif piece == "j":
            parts.append((first, ""))
        elif piece in _DAY_SPECIFIERS:
            parts.append((str(getattr(formatter, piece)()), ""))
        else:
            parts.append(("", piece))
    return tuple(parts)


class RowDateFormat:
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

    def day(self, value: date) -> str:
        """A day alone (a format of the day's letters only: "j M")."""
        return "".join(text for text, _piece in _day_parts(self.pieces, self.language, value))


class ReceivedShort:
    """The time in a list's narrow column: "14:05" today, "hier 14:05", "3 déc.", "3 déc. 2025".

    The inbox's reception times, and the e-mails page's times of queueing.

    As a mail client shows it: naturaltime's "il y a 2 jours, 22 heures" made
    the column wide enough to wrap the subjects and categories at 1366 pixels.
    The full date and time stay in the cell's title. Days are the secretary's
    local days, against one "now" for the page; every phrase and format is
    translated once per page, not per row.
    """

    def __init__(self, now: datetime, zone: tzinfo) -> None:
        self.today = timezone.localtime(now, zone).date()
        self.yesterday = self.today - timedelta(days=1)
        self.time = RowDateFormat(formats.get_format("TIME_FORMAT"))
        # Translators: the inbox's reception time of a request received yesterday, e.g. "yesterday 14:05".
        self.yesterday_phrase = pgettext("inbox received", "yesterday %(time)s")
        # Translators: a date format (Django's letters) for a day of this year in the inbox: "3 Dec".
        self.this_year = RowDateFormat(pgettext("inbox received", "j M"))
        # Translators: a date format (Django's letters) for a day of another year in the inbox: "3 Dec 2025".
        self.other_year = RowDateFormat(pgettext("inbox received", "j M Y"))

    def __call__(self, local: datetime) -> str:
        day = local.date()
        if day == self.today:
            return self.time(local)
        if day == self.yesterday:
            return self.yesterday_phrase % {"time": self.time(local)}
        if day.year == self.today.year:
            return self.this_year(local)
        return self.other_year(local)


# Within this many days of today a day and its month say which day it is (the year is left out): a
# stay of this season, or of the last one's end, written as on the calendar of the office's wall.
STAY_YEAR_LEFT_OUT_DAYS = 182


class StayShort:
    """The client's stay in the inbox's column: "27 déc. → 3 jan. · 4 pers.", "27 Dec → 3 Jan · 4 people".

    The days as the reception's column writes them (its formats), the year only for a day more than
    six months from today ("14 fév. 2026" seen in December 2026): within a year centred on today a day
    and month name one day alone. Within a month, the month once ("21 → 28 déc."); a stay of one day,
    that day; a missing end, a "?" as on the dossier page ("27 déc. → ?"); the participants alone when
    no date was given; "" when nothing was. The title (`long`) writes every day whole, with its year.
    The phrases are translated once per page.
    """

    def __init__(self, today: date) -> None:
        self.today = today
        self.this_season = RowDateFormat(pgettext("inbox received", "j M"))
        self.other_year = RowDateFormat(pgettext("inbox received", "j M Y"))
        self.people: dict[int, str] = {}
        self.days: dict[tuple[date, bool], str] = {}

    def _same_month(self, first: date, last: date) -> bool:
        """Both days in one month, written with the same year or none."""
        if (first.year, first.month) != (last.year, last.month):
            return False
        return self._shows_year(first) == self._shows_year(last)

    def _shows_year(self, day: date) -> bool:
        return abs((day - self.today).days) > STAY_YEAR_LEFT_OUT_DAYS

    def _day(self, day: date | None, *, long: bool) -> str:
        if day is None:
            return "?"
        # A page's stays fall on a few weeks of the season: each day written once, short and long.
        key = (day, long)
        if (written := self.days.get(key)) is None:
            year = long or self._shows_year(day)
            written = self.days[key] = (self.other_year if year else self.this_season).day(day)
        return written

    def _participants(self, count: int) -> str:
        if count not in self.people:
            # Translators: the number of participants of a stay in the inbox's narrow column, e.g. "4 people".
            self.people[count] = npgettext("inbox stay", "%(count)s person", "%(count)s people", count) % {
                "count": count
            }
        return self.people[count]

    def long(self, row: InboxRow) -> str:
        """The title: every day whole, with its year."""
        return self(row, long=True)

    def __call__(self, row: InboxRow, *, long: bool = False) -> str:
        parts = []
        arrival_date, departure_date = row.arrival_date, row.departure_date
        if arrival_date is not None and arrival_date == departure_date:
            parts.append(self._day(arrival_date, long=long))  # a day's lessons, with no night in the resort
        elif (
            arrival_date is not None
            and departure_date is not None
            and not long
            and self._same_month(arrival_date, departure_date)
        ):
            # "21 → 28 déc.": the month once, as a calendar writes a week (the column's width at 1366 px).
            parts.append(f"{day_number(arrival_date)} → {self._day(departure_date, long=False)}")
        elif arrival_date is not None or departure_date is not None:
            arrival, departure = self._day(arrival_date, long=long), self._day(departure_date, long=long)
            parts.append(f"{arrival} → {departure}")
        if row.participants is not None:
            parts.append(self._participants(row.participants))
        return " · ".join(parts)


def _titled_cell(css_class: str, text: str, label: str = "") -> str:
    escaped = escape(text)
    labelled = f' data-label="{escape(label)}"' if label else ""
    return (
        f'<td role="cell" class="{css_class}"{labelled} title="{escaped}"><span class="one-line">{escaped}</span></td>'
    )


def inbox_rows_html(rows: Iterable[InboxRow], *, school_slug: str, back: str = "") -> SafeString:
    """`back`: the list's query string, carried to each dossier so that its "Requests" link returns here."""
    english = get_language() == "en"
    dossier_url = reverse("backoffice:inquiry", kwargs={"school_slug": school_slug, "reference": _PLACEHOLDER})
    dossier_url += back_suffix(back)
    statuses = {value: str(label) for value, label in Inquiry.Status.choices}
    # The language is a badge in the client's cell (a column of its own took the width that wrapped
    # the rows at 1366 pixels), the language's name in its title.
    badges = {
        value: f'<span class="lang-badge" title="{escape(str(label))}">{escape(value.upper())}</span>'
        for value, label in Inquiry.Language.choices
    }
    archived = f' <span class="badge">{escape(gettext("archived"))}</span>'
    category_label = gettext("Category")
    assignee_label = gettext("Assigned to")
    # On a phone a card leaves out the line of a category it has not: a school without categories
    # would read "Category —" on every card.
    no_category = '<td role="cell" class="col-category is-empty"><span class="muted">—</span></td>'
    no_assignee = f'<td role="cell" class="col-assignee" data-label="{escape(assignee_label)}">—</td>'
    stay_label = escape(gettext("Stay"))
    # An empty cell when the client gave nothing of his stay; a card leaves out its line.
    no_stay = '<td role="cell" class="col-stay is-empty"></td>'
    select = gettext("Select %(reference)s")
    long_datetime = RowDateFormat(formats.get_format("DATETIME_FORMAT"))
    zone = timezone.get_current_timezone()
    now = timezone.now()
    received_short = ReceivedShort(now, zone)
    stay_short = StayShort(timezone.localtime(now, zone).date())
    # A page holds a few subjects, statuses, assignees and categories fifty times over: each escaped once.
    escape_repeated = lru_cache(maxsize=256)(escape)
    # The cells whose text may be cut with an ellipsis carry the whole text in their title; a page
    # holds a few of them fifty times over, each composed once.
    titled_cell = lru_cache(maxsize=256)(_titled_cell)
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
        stay = stay_short(inquiry)
        html.append(
            _ROW.format(
                row_class=' class="is-archived"' if inquiry.archived_at else "",
                pk=int(inquiry.pk),
                select=escape(select % {"reference": inquiry.reference}),
                url=escape(dossier_url.replace(_PLACEHOLDER, quote(inquiry.reference, safe=""))),
                reference=escape(inquiry.reference),
                iso=local.isoformat(),
                long=escape_repeated(long_datetime(local)),
                short=escape_repeated(received_short(local)),
                language_badge=badges.get(inquiry.language, ""),
                client=escape(inquiry.client_name),
                # Whole on a laptop (backoffice.css): the dates and the number are what the column is read for.
                stay_cell=(
                    f'<td role="cell" class="col-stay" data-label="{stay_label}"'
                    f' title="{escape(stay_short.long(inquiry))}"><span class="one-line">{escape(stay)}</span></td>'
                    if stay
                    else no_stay
                ),
                subject_cell=titled_cell("col-subject", subject_label),
                status=escape_repeated(inquiry.status),
                status_label=escape_repeated(statuses.get(inquiry.status, inquiry.status)),
                archived=archived if inquiry.archived_at else "",
                assignee_cell=(
                    no_assignee if assignee is None else titled_cell("col-assignee", assignee, assignee_label)
                ),
                category_cell=(
                    no_category
                    if inquiry.category_label_fr is None
                    else titled_cell("col-category", category or "", category_label)
                ),
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped
