"""The dashboard's charts, drawn on the server as SVG, each with the table of its figures.

A chart is plain geometry (rectangles, lines and texts with their
coordinates worked out here) that one template draws: no script, no style
attribute, colours as SVG presentation attributes, so the page fits the
strict Content-Security-Policy. Each chart's table is what its CSV file
holds, cell for cell.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from msem.backoffice import dashboard_format as fmt
from msem.dashboard.follow_ups import FollowUps
from msem.dashboard.periods import Bucket, Granularity, Period
from msem.dashboard.selectors import NO_CATEGORY, AnswerTimes, Dashboard, FunnelRow, RevenueRow, Stacked, Waiting
from msem.schools.models import School

# Tableau 10: told apart by most colour-blind readers, and readable on white.
PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"]
NEUTRAL = "#bab0ac"
INK = "#16202c"
INK_SOFT = "#4a5868"
AXIS_COLOUR = "#8a96a3"
GRID_COLOUR = "#e3e8ee"
MEDIAN_COLOUR = "#1d6fd8"
P90_COLOUR = "#9cc3f0"
FUNNEL_COLOURS = ["#0d3b66", "#1d6fd8", "#1e7e4a"]
REVENUE_COLOUR = "#1e7e4a"
KIND_COLOUR = "#4e79a7"
# Roughly the width of a character of a 12-unit label: longer labels are cut on the
# chart, and the table below gives them whole.
CHARACTER_WIDTH = 6.6
# At most this many dates under a time chart: more would overlap.
MAX_AXIS_LABELS = 12


def _escape(text: str) -> str:
    """Django's escape() (the same five characters) without its lazy-string wrapper: a page calls it 1 600 times."""
    return html.escape(str(text))


def _n(value: float) -> str:
    """An SVG coordinate: a dot as decimal mark whatever the language, never a localized number."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


# --- What a template draws -----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    # What the CSV file holds when it differs from the text: a plain number, an ISO date.
    raw: str | None = None
    numeric: bool = False
    href: str = ""
    # On a column's header, in a table of cards (Table.cards): its cells' class, and whether a card
    # names them by the header (a duration or a date, unlike a client's name or a status).
    column: str = ""
    labelled: bool = False

    @property
    def csv(self) -> str:
        return self.text if self.raw is None else self.raw


_NUMERIC = ' class="num"'


def _header_html(header: Cell) -> str:
    """A column header; one without visible text (over the rows' labels) still says what it holds."""
    if header.text or not header.raw:
        return _escape(header.text)
    return f'<span class="visually-hidden">{_escape(header.raw)}</span>'


def _cells_html(row: list[Cell], labels: list[str]) -> str:
    """The first cell heads the row; each other cell carries its column's words (escaped), which a phone shows.

    The roles repeat the elements' own: a screen reader still finds a table once a phone stacks the rows.
    """
    html = []
    for index, (cell, label) in enumerate(zip(row, labels, strict=True)):
        text: str = _escape(cell.text)
        if cell.href:
            text = f'<a href="{_escape(cell.href)}">{text}</a>'
        if index == 0:
            html.append(f'<th role="rowheader" scope="row">{text}</th>')
        else:
            html.append(f'<td role="cell"{_NUMERIC if cell.numeric else ""} data-label="{label}">{text}</td>')
    return "".join(html)


def _card_cells_html(row: list[Cell], headers: list[Cell]) -> str:
    """A row of a table of cards: each cell with its column's class, its header's words when it needs them.

    The roles repeat the elements' own: a screen reader still finds a table once CSS makes the rows grids.
    The first cell's link opens the row, so it covers the whole card ("card-link").
    """
    html = []
    for index, (cell, header) in enumerate(zip(row, headers, strict=True)):
        text: str = _escape(cell.text)
        if cell.href:
            text = f'<a class="card-link" href="{_escape(cell.href)}">{text}</a>'
        classes = " ".join(name for name in (f"col-{header.column}", "num" if cell.numeric else "") if name)
        if index == 0:
            html.append(f'<th role="rowheader" scope="row" class="{classes}">{text}</th>')
        else:
            label = f' data-label="{_escape(header.text)}"' if header.labelled else ""
            html.append(f'<td role="cell" class="{classes}"{label}>{text}</td>')
    return "".join(html)


@dataclass(frozen=True)
class RowGroup:
    title: str
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Table:
    headers: list[Cell]
    groups: list[RowGroup]
    footer: list[Cell] | None = None
    # The name of the group column in the CSV file, when the table has groups.
    group_header: str = ""
    caption: str = ""
    # A list rather than figures to compare (the waiting requests): below 901 px each row is a card
    # of the shared "card-table", laid out by this class's rules (backoffice.css, "Lists as cards").
    cards: str = ""

    @property
    def rows(self) -> list[list[Cell]]:
        return [row for group in self.groups for row in group.rows]

    @property
    def aligned_headers(self) -> list[Cell]:
        """The headers, right-aligned over the columns of numbers (told by the first row)."""
        first = next(iter(self.rows), None)
        if first is None:
            return self.headers
        return [replace(header, numeric=cell.numeric) for header, cell in zip(self.headers, first, strict=False)]

    @property
    def html(self) -> SafeString:
        """The table, written here rather than by a template: a season's weeks are hundreds of cells."""
        headers = "".join(
            f'<th role="columnheader" scope="col"{_NUMERIC if header.numeric else ""}>{_header_html(header)}</th>'
            for header in self.aligned_headers
        )
        # A table wider than the card scrolls inside it: the keyboard must reach it too,
        # so the scrolling box is a focusable region, named apart from its chart's section.
        name = _("Table of the figures") + f" — {self.caption}"
        region = f' tabindex="0" role="region" aria-label="{_escape(name)}"' if self.caption else ' tabindex="0"'
        if self.cards:
            return self._cards_html(region)
        labels = [_escape(header.text or header.raw or "") for header in self.headers]
        # On a phone each row stacks: its name, then its figures two by two, each under its column's
        # words (backoffice.css, "A dashboard's figures on a phone").
        parts = [
            f'<div class="table-scroll"{region}><table class="data-table chart-table" role="table">',
            f'<caption class="visually-hidden">{_escape(self.caption)}</caption>',
            f'<thead role="rowgroup"><tr role="row">{headers}</tr></thead>',
        ]
        for group in self.groups:
            parts.append('<tbody role="rowgroup">')
            if group.title:
                parts.append(
                    f'<tr role="row" class="group-row"><th role="columnheader" scope="colgroup" '
                    f'colspan="{len(self.headers)}"><span class="group-title">{_escape(group.title)}</span></th></tr>'
                )
            parts.extend(f'<tr role="row">{_cells_html(row, labels)}</tr>' for row in group.rows)
            parts.append("</tbody>")
        if self.footer:
            parts.append(f'<tfoot role="rowgroup"><tr role="row">{_cells_html(self.footer, labels)}</tr></tfoot>')
        parts.append("</table></div>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped

    def _cards_html(self, region: str) -> SafeString:
        """A list's table, without groups nor footer, whose rows are cards on a phone or a tablet."""
        headers = "".join(
            f'<th role="columnheader" scope="col"{_NUMERIC if header.numeric else ""}>{_header_html(header)}</th>'
            for header in self.aligned_headers
        )
        rows = "".join(f'<tr role="row">{_card_cells_html(row, self.headers)}</tr>' for row in self.rows)
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<div class="table-scroll"{region}>'
            f'<table class="data-table chart-table card-table {_escape(self.cards)}" role="table">'
            f'<caption class="visually-hidden">{_escape(self.caption)}</caption>'
            f'<thead role="rowgroup"><tr role="row">{headers}</tr></thead>'
            f'<tbody role="rowgroup">{rows}</tbody></table></div>'
        )

    def csv_rows(self) -> list[list[str]]:
        grouped = bool(self.group_header)
        lines = [([self.group_header] if grouped else []) + [cell.csv for cell in self.headers]]
        for group in self.groups:
            for row in group.rows:
                lines.append(([group.title] if grouped else []) + [cell.csv for cell in row])
        if self.footer:
            lines.append(([""] if grouped else []) + [cell.csv for cell in self.footer])
        return lines


@dataclass(frozen=True)
class Rect:
    x: str
    y: str
    width: str
    height: str
    fill: str
    title: str


@dataclass(frozen=True)
class Line:
    x1: str
    y1: str
    x2: str
    y2: str
    css_class: str = "chart-grid"


@dataclass(frozen=True)
class Text:
    x: str
    y: str
    text: str
    anchor: str = "start"
    css_class: str = "chart-label"
    full_text: str = ""  # a <title> when the text is cut


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    table: Table
    width: int = 0
    height: int = 0
    rects: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)
    empty_message: str = ""
    # Long tables (a season of weeks) are folded under the chart.
    fold_table: bool = False

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def svg(self) -> SafeString:
        """The chart as an accessible image: a title and a description, a <title> (its value) on every bar.

        Colours and sizes are SVG presentation attributes: the strict CSP allows
        no style attribute.
        """
        slug = _escape(self.slug)
        parts = [
            f'<svg class="chart-svg" viewBox="{self.view_box}" width="{self.width}" height="{self.height}" '
            f'role="img" aria-labelledby="{slug}-title {slug}-desc" font-size="12">',
            f'<title id="{slug}-title">{_escape(self.title)}</title>',
            f'<desc id="{slug}-desc">{_escape(self.description)}</desc>',
        ]
        parts.extend(
            f'<line x1="{line.x1}" y1="{line.y1}" x2="{line.x2}" y2="{line.y2}" class="{line.css_class}" '
            f'stroke="{AXIS_COLOUR if line.css_class == "chart-axis" else GRID_COLOUR}" stroke-width="1"/>'
            for line in self.lines
        )
        parts.extend(
            f'<rect class="chart-bar" x="{rect.x}" y="{rect.y}" width="{rect.width}" height="{rect.height}" '
            f'fill="{rect.fill}"><title>{_escape(rect.title)}</title></rect>'
            for rect in self.rects
        )
        for text in self.texts:
            fill = INK if text.css_class == "chart-label" else INK_SOFT
            size = ' font-size="11"' if text.css_class == "chart-tick" else ""
            tooltip = f"<title>{_escape(text.full_text)}</title>" if text.full_text else ""
            parts.append(
                f'<text x="{text.x}" y="{text.y}" text-anchor="{text.anchor}" class="{text.css_class}" '
                f'fill="{fill}"{size}>{tooltip}{_escape(text.text)}</text>'
            )
        parts.append("</svg>")
        return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped; numbers and colours are ours

    @property
    def table_html(self) -> SafeString:
        return Table(self.table.headers, self.table.groups, self.table.footer, caption=self.title).html


# --- Scales and labels -----------------------------------------------------------------------


def nice_scale(maximum: float, ticks: int = 4, *, whole: bool = True) -> tuple[float, float]:
    """A round top of the axis and a round step between its ticks: 0, 25, 50, 75, 100."""
    if maximum <= 0:
        return float(ticks), 1.0
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1.0, math.ceil(step))
    return math.ceil(maximum / step) * step, step


def _cut(label: str, width: float) -> str:
    characters = int(width / CHARACTER_WIDTH)
    return label if len(label) <= characters else label[: characters - 1].rstrip() + "…"


def _colours(keys: Sequence[str]) -> dict[str, str]:
    colours, index = {}, 0
    for key in keys:
        if key == NO_CATEGORY.key:
            colours[key] = NEUTRAL
        else:
            colours[key] = PALETTE[index % len(PALETTE)]
            index += 1
    return colours


def bucket_label(bucket: Bucket, granularity: str, language: str) -> str:
    if granularity == Granularity.DAY:
        return fmt.day(bucket.first_day, language)
    return _("%(first)s – %(last)s") % {
        "first": fmt.day(bucket.first_day, language),
        "last": fmt.day(bucket.last_day, language),
    }


def period_label(period: Period, language: str) -> str:
    return _("from %(first)s to %(last)s") % {
        "first": fmt.day(period.first_day, language),
        "last": fmt.day(period.last_day, language),
    }


@lru_cache(maxsize=2048)
def _requests_in(count: int, language: str) -> str:
    """Remembered: a time chart writes it on each of its hundreds of bars, with few different counts."""
    return ngettext("%(count)s request", "%(count)s requests", count) % {"count": fmt.integer(count)}


def _requests_received(count: int) -> str:
    return _requests_received_in(count, translation.get_language())


@lru_cache(maxsize=2048)
def _requests_received_in(count: int, language: str) -> str:
    """Remembered, like _requests_in.

    "received" is in the plural's choice: in French it agrees with the count, and a new school's
    first dashboard read "0 demande reçues".
    """
    return ngettext("%(count)s request received", "%(count)s requests received", count) % {"count": fmt.integer(count)}


# --- Requests received: stacked columns over time -----------------------------------------------


def stacked_columns(
    *, slug: str, title: str, description: str, stacked: Stacked, period: Period, language: str
) -> Chart:
    """Bars over time, each split into its items; `description` is filled with the requests and the period."""
    description = description % {
        "requests": _requests_received(stacked.total),
        "period": period_label(period, language),
    }
    table = _stacked_table(stacked, period, language)
    if not stacked.total:
        return Chart(slug, title, description, table, empty_message=_("No requests in this period."), fold_table=True)

    width, height = 960, 300
    left, right, top, bottom = 52, 12, 14, 40
    plot_width, plot_height = width - left - right, height - top - bottom
    totals = stacked.totals
    axis_top, step = nice_scale(max(totals))
    colours = _colours([item.key for item in stacked.items])
    slot = plot_width / len(stacked.buckets)
    bar_width = max(1.0, slot * 0.72)

    def y(value: float) -> float:
        return top + plot_height - value / axis_top * plot_height

    # Looked up once, not for each of the hundreds of bars.
    active = translation.get_language()
    labels = {item.key: item.label(language) for item in stacked.items}

    lines, texts, rects = [], [], []
    tick = 0.0
    while tick <= axis_top + 1e-9:
        lines.append(
            Line(_n(left), _n(y(tick)), _n(width - right), _n(y(tick)), "chart-grid" if tick else "chart-axis")
        )
        texts.append(Text(_n(left - 8), _n(y(tick) + 4), fmt.integer(round(tick)), "end", "chart-tick"))
        tick += step
    every = math.ceil(len(stacked.buckets) / MAX_AXIS_LABELS)
    for index, bucket in enumerate(stacked.buckets):
        x = left + index * slot + (slot - bar_width) / 2
        if index % every == 0:
            texts.append(
                Text(
                    _n(x + bar_width / 2),
                    _n(height - bottom + 18),
                    fmt.short_day(bucket.first_day, language),
                    "middle",
                    "chart-tick",
                )
            )
        when = bucket_label(bucket, period.granularity, language)
        base = 0
        for item in stacked.items:
            count = stacked.counts[item.key][index]
            if not count:
                continue
            rects.append(
                Rect(
                    _n(x),
                    _n(y(base + count)),
                    _n(bar_width),
                    _n(y(base) - y(base + count)),
                    colours[item.key],
                    fmt.labelled(f"{when} · {labels[item.key]}", _requests_in(count, active), language),
                )
            )
            base += count
    legend = [LegendEntry(item.label(language), colours[item.key]) for item in stacked.items]
    return Chart(
        slug,
        title,
        description,
        table,
        width,
        height,
        rects,
        lines,
        texts,
        legend,
        fold_table=True,
    )


def _stacked_table(stacked: Stacked, period: Period, language: str) -> Table:
    daily = period.granularity == Granularity.DAY
    dates = [Cell(_("Day"))] if daily else [Cell(_("From")), Cell(_("To"))]
    headers = [*dates, *(Cell(item.label(language)) for item in stacked.items), Cell(_("Total"))]
    rows = []
    totals = stacked.totals
    for index, bucket in enumerate(stacked.buckets):
        days = [bucket.first_day] if daily else [bucket.first_day, bucket.last_day]
        rows.append(
            [Cell(fmt.day(day, language), raw=day.isoformat()) for day in days]
            + [_count_cell(stacked.counts[item.key][index]) for item in stacked.items]
            + [_count_cell(totals[index])]
        )
    footer = (
        [Cell(_("Total")), *([] if daily else [Cell("")])]
        + [_count_cell(sum(stacked.counts[item.key])) for item in stacked.items]
        + [_count_cell(stacked.total)]
    )
    return Table(headers, [RowGroup("", rows)], footer)


def _count_cell(count: int) -> Cell:
    return Cell(fmt.integer(count), raw=str(count), numeric=True)


# --- Horizontal bars: answer times, the funnel, revenue ------------------------------------------


@dataclass(frozen=True)
class Bar:
    value: float
    text: str
    title: str
    colour: str


@dataclass(frozen=True)
class BarRow:
    label: str
    bars: list[Bar]


def horizontal_bars(
    *,
    slug: str,
    title: str,
    description: str,
    rows: list[BarRow],
    table: Table,
    legend: Iterable[LegendEntry] = (),
    empty_message: str = "",
    width: int = 500,
) -> Chart:
    """Bars from a common left axis, one or more per row, the value written at the end of each.

    500 units wide for a chart in half the page, so that its 12-unit texts
    are read at about 12 pixels; 960 for the whole width.
    """
    if not rows or not any(bar.value for row in rows for bar in row.bars):
        return Chart(slug, title, description, table, empty_message=empty_message)
    label_width, value_width = (150, 100) if width < 700 else (200, 160)
    bar_height, bar_gap, row_gap, top = 14, 3, 14, 6
    plot_width = width - label_width - value_width - 8
    per_row = len(rows[0].bars)
    row_height = per_row * bar_height + (per_row - 1) * bar_gap
    maximum = max(bar.value for row in rows for bar in row.bars)
    rects, texts, lines = [], [], []
    y = top
    for row in rows:
        middle = y + row_height / 2
        cut = _cut(row.label, label_width - 14)
        texts.append(
            Text(
                _n(label_width - 10),
                _n(middle + 4),
                cut,
                "end",
                "chart-label",
                full_text=row.label if cut != row.label else "",
            )
        )
        for bar in row.bars:
            length = bar.value / maximum * plot_width if maximum else 0
            rects.append(Rect(_n(label_width), _n(y), _n(max(length, 0.0)), _n(bar_height), bar.colour, bar.title))
            texts.append(Text(_n(label_width + length + 6), _n(y + bar_height - 3), bar.text, "start", "chart-value"))
            y += bar_height + bar_gap
        y += row_gap - bar_gap
    height = math.ceil(y - row_gap + top + 2)
    lines.append(Line(_n(label_width), "0", _n(label_width), _n(height), "chart-axis"))
    return Chart(slug, title, description, table, width, height, rects, lines, texts, list(legend))


# --- The dashboard's charts ------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardCharts:
    requests_by_subject: Chart
    requests_by_category: Chart
    answers_by_subject: Chart
    answers_by_secretary: Chart
    funnel: Chart
    revenue_by_catalog: Chart
    revenue_by_kind: Chart

    def by_slug(self) -> dict[str, Chart]:
        charts = [getattr(self, name) for name in self.__dataclass_fields__]
        return {chart.slug: chart for chart in charts}


CHART_SLUGS = (
    "requests-by-subject",
    "requests-by-category",
    "answer-times-by-subject",
    "answer-times-by-secretary",
    "funnel",
    "revenue-by-catalog",
    "revenue-by-kind",
)
WAITING_SLUG = "waiting"
FOLLOW_UPS_SLUG = "quotes-to-follow-up"


def dashboard_charts(dashboard: Dashboard, language: str) -> DashboardCharts:
    period = dashboard.period
    daily = period.granularity == Granularity.DAY
    return DashboardCharts(
        requests_by_subject=stacked_columns(
            slug="requests-by-subject",
            title=_("Requests received, by subject"),
            description=_("%(requests)s %(period)s, per day, by subject.")
            if daily
            else _("%(requests)s %(period)s, per week, by subject."),
            stacked=dashboard.requests_by_subject,
            period=period,
            language=language,
        ),
        requests_by_category=stacked_columns(
            slug="requests-by-category",
            title=_("Requests received, by category"),
            description=_("%(requests)s %(period)s, per day, by category.")
            if daily
            else _("%(requests)s %(period)s, per week, by category."),
            stacked=dashboard.requests_by_category,
            period=period,
            language=language,
        ),
        answers_by_subject=_answers_chart(
            slug="answer-times-by-subject",
            title=_("Time to the first answer, by subject"),
            item_header=_("Subject"),
            rows=[dashboard.answers, *dashboard.answers_by_subject] if dashboard.answers_by_subject else [],
            language=language,
            with_requests=True,
        ),
        answers_by_secretary=_answers_chart(
            slug="answer-times-by-secretary",
            title=_("Time to the first answer, by secretary"),
            item_header=_("Secretary"),
            rows=dashboard.answers_by_secretary,
            language=language,
            with_requests=False,
        ),
        funnel=_funnel_chart(dashboard, language),
        revenue_by_catalog=_revenue_chart(
            slug="revenue-by-catalog",
            title=_("Revenue, by price list"),
            item_header=_("Price list"),
            rows=dashboard.revenue_by_catalog,
            dashboard=dashboard,
            colour=REVENUE_COLOUR,
            language=language,
        ),
        revenue_by_kind=_revenue_chart(
            slug="revenue-by-kind",
            title=_("Revenue, by kind of product"),
            item_header=_("Kind of product"),
            rows=dashboard.revenue_by_kind,
            dashboard=dashboard,
            colour=KIND_COLOUR,
            language=language,
        ),
    )


def _answers_chart(
    *, slug: str, title: str, item_header: str, rows: list[AnswerTimes], language: str, with_requests: bool
) -> Chart:
    headers = [
        Cell(item_header),
        Cell(_("Answered")),
        *([Cell(_("Unanswered"))] if with_requests else []),
        Cell(_("Median"), raw=_("Median (hours)")),
        Cell(_("90th percentile"), raw=_("90th percentile (hours)")),
    ]
    table_rows = []
    for row in rows:
        cells = [Cell(row.item.label(language)), _count_cell(row.answered)]
        if with_requests and row.unanswered is not None:
            cells.append(_count_cell(row.unanswered))
        cells += [
            Cell(fmt.duration(row.median), raw=fmt.csv_hours(row.median), numeric=True),
            Cell(fmt.duration(row.p90), raw=fmt.csv_hours(row.p90), numeric=True),
        ]
        table_rows.append(cells)
    table = Table(headers, [RowGroup("", table_rows)])
    answered = [row for row in rows if row.answered]
    bar_rows = [
        BarRow(
            row.item.label(language),
            [
                Bar(
                    row.median or 0,
                    fmt.duration(row.median),
                    _("%(item)s: median %(time)s")
                    % {"item": row.item.label(language), "time": fmt.duration(row.median)},
                    MEDIAN_COLOUR,
                ),
                Bar(
                    row.p90 or 0,
                    fmt.duration(row.p90),
                    _("%(item)s: 90th percentile %(time)s")
                    % {"item": row.item.label(language), "time": fmt.duration(row.p90)},
                    P90_COLOUR,
                ),
            ],
        )
        for row in answered
    ]
    return horizontal_bars(
        slug=slug,
        title=title,
        description=_(
            "Median and 90th percentile of the time between a request and the first answer a member of staff sent, "
            "for the requests received in the period."
        ),
        rows=bar_rows,
        table=table,
        legend=[LegendEntry(_("Median"), MEDIAN_COLOUR), LegendEntry(_("90th percentile"), P90_COLOUR)],
        empty_message=_("No request of this period has been answered yet."),
    )


def _quoted_label() -> str:
    # The funnel counts requests, not quotes: the French says how many ("Devis envoyés"), where a
    # quote's own status is singular ("Devis envoyé").
    return pgettext("dashboard: how many requests were sent a quote", "Quoted")


def _paid_label() -> str:
    # Requests (feminine in French: "Payées"), where a quote or a payment request is "Payé(e)".
    return pgettext("dashboard: how many requests were paid", "Paid")


def _funnel_chart(dashboard: Dashboard, language: str) -> Chart:
    funnel = dashboard.funnel
    steps = [
        (_("Requests"), funnel.requests, fmt.integer(funnel.requests)),
        (
            _quoted_label(),
            funnel.quoted,
            _("%(count)s · %(rate)s")
            % {"count": fmt.integer(funnel.quoted), "rate": fmt.percent(funnel.quote_rate, language)},
        ),
        (
            _paid_label(),
            funnel.paid,
            _("%(count)s · %(rate)s")
            % {"count": fmt.integer(funnel.paid), "rate": fmt.percent(funnel.paid_rate, language)},
        ),
    ]
    rows = [
        BarRow(label, [Bar(count, text, fmt.labelled(label, text, language), colour)])
        for (label, count, text), colour in zip(steps, FUNNEL_COLOURS, strict=True)
    ]
    headers = [
        Cell("", raw=_("Subject, category or language")),
        Cell(_("Requests")),
        Cell(_quoted_label()),
        Cell(_("Quote rate"), raw=_("Quote rate (%)")),
        Cell(_paid_label()),
        Cell(_("Payment rate"), raw=_("Payment rate (%)")),
        Cell(_("Quotes paid"), raw=_("Quotes paid (%)")),
    ]

    def cells(row: FunnelRow) -> list[Cell]:
        return [
            Cell(row.item.label(language)),
            _count_cell(row.requests),
            _count_cell(row.quoted),
            _rate_cell(row.quote_rate, language),
            _count_cell(row.paid),
            _rate_cell(row.paid_rate, language),
            _rate_cell(row.quote_paid_rate, language),
        ]

    groups = [
        RowGroup(_("All requests"), [cells(funnel)]),
        RowGroup(_("By subject"), [cells(row) for row in dashboard.funnel_by_subject]),
        RowGroup(_("By category"), [cells(row) for row in dashboard.funnel_by_category]),
        RowGroup(_("By language"), [cells(row) for row in dashboard.funnel_by_language]),
    ]
    table = Table(
        headers, [group for group in groups if group.rows] if funnel.requests else [], group_header=_("Breakdown")
    )
    return horizontal_bars(
        slug="funnel",
        title=_("From request to payment"),
        description=_(
            "Of the %(requests)s %(period)s: how many got a quote, and how many were paid, whenever that happened."
        )
        % {"requests": _requests_received(funnel.requests), "period": period_label(dashboard.period, language)},
        rows=rows,
        table=table,
        empty_message=_("No requests in this period."),
        width=960,
    )


def _rate_cell(rate: float | None, language: str) -> Cell:
    return Cell(fmt.percent(rate, language), raw=fmt.csv_decimal(rate, 1), numeric=True)


def _money_cell(amount: Decimal, language: str) -> Cell:
    return Cell(fmt.money(amount, language), raw=fmt.csv_decimal(amount, 2), numeric=True)


def _revenue_chart(
    *,
    slug: str,
    title: str,
    item_header: str,
    rows: list[RevenueRow],
    dashboard: Dashboard,
    colour: str,
    language: str,
) -> Chart:
    headers = [Cell(item_header), Cell(_("Sales")), Cell(_("Revenue incl. VAT"), raw=_("Revenue incl. VAT (EUR)"))]
    table = Table(
        headers,
        [
            RowGroup(
                "",
                [
                    [Cell(row.item.label(language)), _count_cell(row.sales), _money_cell(row.amount, language)]
                    for row in rows
                ],
            )
        ],
        footer=[Cell(_("Total")), _count_cell(dashboard.sales), _money_cell(dashboard.revenue, language)]
        if rows
        else None,
    )
    bar_rows = [
        BarRow(
            row.item.label(language),
            [
                Bar(
                    float(row.amount),
                    fmt.money(row.amount, language),
                    fmt.labelled(row.item.label(language), fmt.money(row.amount, language), language),
                    colour,
                )
            ],
        )
        for row in rows
    ]
    return horizontal_bars(
        slug=slug,
        title=title,
        description=_("Sales recorded %(period)s: %(count)s for %(amount)s, VAT included.")
        % {
            "period": period_label(dashboard.period, language),
            "count": fmt.integer(dashboard.sales),
            "amount": fmt.money(dashboard.revenue, language),
        },
        rows=bar_rows,
        table=table,
        empty_message=_("No sales in this period."),
    )


# --- The waiting dossiers: a table, downloadable too ------------------------------------------------


def waiting_table(waiting: Waiting, school: School, language: str) -> Table:
    headers = [
        Cell(_("Reference"), column="reference"),
        Cell(_("Client"), column="client"),
        Cell(_("Subject"), column="subject"),
        Cell(_("Status"), column="status"),
        Cell(_("Assigned to"), column="assignee", labelled=True),
        Cell(_("Received"), column="received", labelled=True),
        Cell(_("Waiting for"), raw=_("Waiting for (hours)"), column="waiting"),
    ]
    rows = []
    for row in waiting.rows:
        age = (waiting.as_of - row.received_at).total_seconds()
        rows.append(
            [
                Cell(
                    row.reference,
                    href=reverse("backoffice:inquiry", kwargs={"school_slug": school.slug, "reference": row.reference}),
                ),
                Cell(row.client_name),
                Cell(row.subject.label(language)),
                Cell(row.status_label, raw=row.status_label),
                Cell(row.assignee or fmt.EMPTY, raw=row.assignee),
                Cell(fmt.moment(row.received_at, language), raw=_local_iso(row.received_at)),
                Cell(fmt.duration(age), raw=fmt.csv_decimal(age / 3600, 1), numeric=True),
            ]
        )
    return Table(headers, [RowGroup("", rows)], caption=_("Waiting requests"), cards="waiting-table")


# --- The quotes to follow up: a table, downloadable too ------------------------------------------------


def follow_ups_table(follow_ups: FollowUps, school: School, language: str) -> Table:
    headers = [
        Cell(_("Quote"), column="quote"),
        Cell(_("Client"), column="client"),
        Cell(_("Sent"), column="sent", labelled=True),
        Cell(_("Valid until"), column="valid-until", labelled=True),
        Cell(_("Total including VAT"), column="total"),
        Cell(_("Reminded"), raw=_("Reminders"), column="reminded", labelled=True),
    ]
    rows = []
    for row in follow_ups.rows:
        reminded = fmt.EMPTY
        if row.last_reminded_at is not None:
            reminded = _("%(count)s × · last %(day)s") % {
                "count": fmt.integer(row.reminders_sent),
                "day": fmt.moment(row.last_reminded_at, language),
            }
        rows.append(
            [
                Cell(
                    row.number,
                    href=reverse("backoffice:inquiry", kwargs={"school_slug": school.slug, "reference": row.reference})
                    + "#quotes-panel",
                ),
                Cell(row.client_name),
                Cell(fmt.moment(row.sent_at, language), raw=_local_iso(row.sent_at)),
                Cell(fmt.day(row.valid_until, language), raw=row.valid_until.isoformat()),
                Cell(fmt.money(row.total, language), raw=fmt.csv_decimal(row.total, 2), numeric=True),
                Cell(reminded, raw=str(row.reminders_sent)),
            ]
        )
    return Table(headers, [RowGroup("", rows)], caption=_("Quotes to follow up"), cards="follow-ups-table")


def _local_iso(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --- The figures at the top of the page ------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    note: str = ""
    href: str = ""


def _waiting_label(hours: int) -> str:
    days = fmt.whole_days(hours)
    if days:
        return ngettext("Waiting for more than %(days)s day", "Waiting for more than %(days)s days", days) % {
            "days": fmt.integer(days)
        }
    return ngettext("Waiting for more than %(hours)s hour", "Waiting for more than %(hours)s hours", hours) % {
        "hours": fmt.integer(hours)
    }


def key_figures(dashboard: Dashboard, waiting: Waiting, language: str, *, sales_href: str = "") -> list[KeyFigure]:
    """The figures atop the page; the revenue leads to the period's sales (Ventes 4807), the same ones."""
    funnel, answers = dashboard.funnel, dashboard.answers
    return [
        KeyFigure(_("Requests"), fmt.integer(funnel.requests), period_label(dashboard.period, language)),
        KeyFigure(
            _quoted_label(),
            fmt.integer(funnel.quoted),
            _("%(rate)s of the requests") % {"rate": fmt.percent(funnel.quote_rate, language)},
        ),
        KeyFigure(
            _paid_label(),
            fmt.integer(funnel.paid),
            _("%(rate)s of the requests") % {"rate": fmt.percent(funnel.paid_rate, language)},
        ),
        KeyFigure(
            _("Revenue incl. VAT"),
            fmt.money_rounded(dashboard.revenue, language),
            ngettext("%(count)s sale", "%(count)s sales", dashboard.sales) % {"count": fmt.integer(dashboard.sales)},
            href=sales_href,
        ),
        KeyFigure(
            _("First answer (median)"),
            fmt.duration(answers.median),
            _("90th percentile: %(time)s") % {"time": fmt.duration(answers.p90)} if answers.answered else "",
        ),
        KeyFigure(
            _waiting_label(waiting.hours),
            fmt.integer(waiting.total),
            _("open requests, now"),
            href="#waiting",
        ),
    ]
