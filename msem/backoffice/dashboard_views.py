"""GESTION COMMERCIALE → Dashboard: the season at a glance, and each chart's figures as CSV."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from msem.backoffice import dashboard_format as fmt
from msem.backoffice.access import SchoolRequest, school_view
from msem.backoffice.dashboard_charts import (
    CHART_SLUGS,
    FOLLOW_UPS_SLUG,
    WAITING_SLUG,
    dashboard_charts,
    follow_ups_table,
    key_figures,
    period_label,
    waiting_table,
)
from msem.backoffice.dashboard_forms import DashboardForm
from msem.backoffice.spreadsheet_cells import spreadsheet_safe
from msem.dashboard.follow_ups import FOLLOW_UPS_EXPORT_LIMIT, quotes_to_follow_up
from msem.dashboard.periods import Period, PeriodKind
from msem.dashboard.selectors import OPEN_STATUSES, WAITING_EXPORT_LIMIT, dashboard_for_period, waiting_dossiers
from msem.inquiries.selectors import school_has_inquiries


def _language() -> str:
    return "en" if translation.get_language() == "en" else "fr"


def _query(period: Period, hours: int) -> str:
    """The address's criteria: the period as chosen (this season stays "this season"), and the threshold."""
    values: list[tuple[str, str]] = [("period", period.kind)]
    if period.kind == PeriodKind.CUSTOM:
        values += [("start", period.first_day.isoformat()), ("end", period.last_day.isoformat())]
    return urlencode([*values, ("hours", str(hours))])


def _sales_of(request: SchoolRequest, period: Period) -> str:
    """The Ventes 4807 page showing the period's sales: the revenue's own, listed and exportable."""
    url = reverse("backoffice:sale_pushes", kwargs={"school_slug": request.school.slug})
    days = {"sold_from": period.first_day.isoformat(), "sold_to": period.last_day.isoformat()}
    return f"{url}?{urlencode(days)}"


@school_view()
@require_GET
def dashboard_view(request: SchoolRequest) -> HttpResponse:
    form = DashboardForm(request.GET or {"period": PeriodKind.SEASON})
    context: dict[str, object] = {"active_menu": "dashboard", "form": form}
    if not form.is_valid():
        return render(request, "backoffice/dashboard/page.html", context, status=400)
    period, hours = form.chosen_period(), form.waiting_hours()
    language = _language()
    dashboard = dashboard_for_period(school=request.school, period=period)
    waiting = waiting_dossiers(school=request.school, hours=hours)
    follow_ups = quotes_to_follow_up(school=request.school)
    context.update(
        {
            # Shown with the period's dates filled in, so that changing one is a step away.
            "form": DashboardForm(
                initial={"period": period.kind, "start": period.first_day, "end": period.last_day, "hours": hours}
            ),
            "period": period,
            "period_label": period_label(period, language),
            "hours": hours,
            "waiting_days": fmt.whole_days(hours),
            "query": _query(period, hours),
            "dashboard": dashboard,
            "charts": dashboard_charts(dashboard, language),
            "waiting": waiting,
            "key_figures": key_figures(dashboard, waiting, language, sales_href=_sales_of(request, period)),
            "waiting_table": waiting_table(waiting, request.school, language),
            "waiting_slug": WAITING_SLUG,
            "follow_ups": follow_ups,
            "follow_ups_table": follow_ups_table(follow_ups, request.school, language),
            "follow_ups_slug": FOLLOW_UPS_SLUG,
            # A new school's page of zeros says why, and what brings its first requests. Asked only of a period
            # without requests and an empty waiting list: a busy school's page pays no query for it.
            "no_request_yet": not dashboard.total_requests
            and not waiting.total
            and not school_has_inquiries(school=request.school),
            "open_requests_query": urlencode(
                [("f", "1"), *(("status", status) for status in OPEN_STATUSES), ("sort", "oldest")]
            ),
        }
    )
    return render(request, "backoffice/dashboard/page.html", context)


@school_view()
@require_GET
def dashboard_export_view(request: SchoolRequest, chart: str) -> HttpResponse:
    """One chart's table as CSV: UTF-8 with a BOM and ";" between fields, like the requests export."""
    if chart not in (*CHART_SLUGS, WAITING_SLUG, FOLLOW_UPS_SLUG):
        raise Http404
    form = DashboardForm(request.GET or {"period": PeriodKind.SEASON})
    if not form.is_valid():
        errors = [str(message) for messages in form.errors.values() for message in messages]
        return HttpResponse(
            "\n".join([_("This period cannot be used:"), *errors]),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    period, hours = form.chosen_period(), form.waiting_hours()
    language = _language()
    if chart == FOLLOW_UPS_SLUG:
        follow_ups = quotes_to_follow_up(school=request.school, limit=FOLLOW_UPS_EXPORT_LIMIT)
        table = follow_ups_table(follow_ups, request.school, language)
        filename = f"{chart}-{request.school.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    elif chart == WAITING_SLUG:
        waiting = waiting_dossiers(school=request.school, hours=hours, limit=WAITING_EXPORT_LIMIT)
        table = waiting_table(waiting, request.school, language)
        filename = f"{chart}-{hours}h-{request.school.slug}.csv"
    else:
        charts = dashboard_charts(dashboard_for_period(school=request.school, period=period), language)
        table = charts.by_slug()[chart].table
        filename = f"{chart}-{request.school.slug}-{period.first_day:%Y-%m-%d}-{period.last_day:%Y-%m-%d}.csv"
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    for row in table.csv_rows():
        writer.writerow([spreadsheet_safe(value) for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
