"""GESTION COMMERCIALE → Ventes 4807: every sale and its report to 4807; retry; the local ledger."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.db.models import Sum
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from msem.backoffice.access import SchoolRequest, school_view
from msem.backoffice.capped_paginator import CappedPaginator
from msem.backoffice.dashboard_format import csv_decimal
from msem.backoffice.sales_forms import SaleFilterForm
from msem.backoffice.spreadsheet_cells import spreadsheet_safe
from msem.connector4807.models import LedgerEntry, SalePush
from msem.connector4807.selectors import sale_pushes_found
from msem.connector4807.services import sale_push_retry, sync_price_lists

SALES_PER_PAGE = 50


@school_view()
@require_GET
def sale_pushes_view(request: SchoolRequest) -> HttpResponse:
    form = SaleFilterForm(request.GET)
    context: dict[str, object] = {"active_menu": "sales", "form": form, "embedded": not settings.MSEM_4807_URL}
    if not form.is_valid():
        # A read page: criteria it cannot use are said next to their field, and nothing is listed.
        return render(request, "backoffice/sales/pushes.html", context, status=400)
    pushes = sale_pushes_found(
        school=request.school,
        statuses=form.statuses,
        text=form.cleaned_data["q"],
        sold_after=form.sold_after,
        sold_before=form.sold_before,
    )
    paginator = CappedPaginator(pushes, SALES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    days = [(name, form.cleaned_data[name]) for name in ("sold_from", "sold_to") if form.cleaned_data[name]]
    # What the sales found add up to, including VAT, as the dashboard's revenue counts them;
    # not when the count itself is capped (a sum over more sales than are counted).
    total = None if paginator.count_is_capped else pushes.order_by().aggregate(total=Sum("sale__total"))["total"]
    context.update(
        listed=True,
        page_obj=page,
        pushes=list(page.object_list),
        amount_total=total,
        # The page links carry the criteria, as they were understood.
        criteria=urlencode([(name, value) for name, value in form.cleaned_data.items() if value]),
        # The ledger's export takes the days chosen: the sales of the month she closes.
        export_query=urlencode(days),
    )
    return render(request, "backoffice/sales/pushes.html", context)


@school_view()
@require_POST
def sale_push_retry_view(request: SchoolRequest, push_id: int) -> HttpResponse:
    if not SalePush.objects.for_school(request.school).filter(pk=push_id).exists():
        raise Http404
    if sale_push_retry(school=request.school, push_id=push_id):
        messages.success(request, _("The sale goes back to 4807 in a few seconds."))
    else:
        messages.error(request, _("This sale is not waiting for a retry."))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("backoffice:sale_pushes", school_slug=request.school.slug)


@school_view()
@require_GET
def ledger_export_view(request: SchoolRequest) -> HttpResponse | StreamingHttpResponse:
    """Embedded mode: the sales to enter into 4807 by hand, as CSV for a spreadsheet in her language.

    One row per line sold, the sale's identity repeated on each (a filter on a client keeps all her lines),
    its total on its first line only: summed, each money column gives the right figure.
    UTF-8 with a BOM and ";" between fields, amounts with the language's decimal mark (193,50 in
    French, which French Excel reads as a number), like the dashboard's exports; and no cell a
    spreadsheet would run as a formula: the client's name comes from the public form.
    """
    form = SaleFilterForm(request.GET)
    if not form.is_valid():
        errors = [str(message) for messages in form.errors.values() for message in messages]
        return HttpResponse(
            "\n".join([_("These dates cannot be used:"), *errors]), status=400, content_type="text/plain; charset=utf-8"
        )
    entries = LedgerEntry.objects.for_school(request.school).order_by("recorded_at", "id")
    if form.sold_after or form.sold_before:
        # The sales sold on those days, as the page lists them: by the sale's moment, not the ledger's.
        sold = sale_pushes_found(school=request.school, sold_after=form.sold_after, sold_before=form.sold_before)
        entries = entries.filter(idempotency_key__in=sold.order_by().values("idempotency_key"))
    lines = _ledger_lines_in(translation.get_language(), entries.iterator())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    # In the language of its column headings, as the requests' export names itself.
    name = pgettext("file name of the CSV export of the sales to 4807", "sales-4807")
    days = "-".join(f"{day:%Y-%m-%d}" for day in (form.cleaned_data["sold_from"], form.cleaned_data["sold_to"]) if day)
    filename = f"{name}-{request.school.slug}-{days or f'{timezone.localdate():%Y-%m-%d}'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _ledger_lines_in(language: str, entries: Iterator[LedgerEntry]) -> Iterator[str]:
    # Streamed after the view has returned: the language is set again around the writing.
    with translation.override(language):
        yield from _ledger_lines(entries)


def _amount(value: str) -> str:
    return csv_decimal(Decimal(value), 2)


def _ledger_lines(entries: Iterator[LedgerEntry]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            _("Ledger number"),
            _("Recorded"),
            _("Quote"),
            _("Request"),
            _("Catalog"),
            _("Client"),
            _("E-mail"),
            _("Product"),
            _("Start"),
            _("Participants"),
            _("Quantity"),
            _("Unit price"),
            _("Line total"),
            _("Sale total"),
        ]
    )
    yield "\ufeff" + buffer.getvalue()
    for entry in entries:
        sale = entry.payload
        for index, line in enumerate(sale["lines"]):
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(
                [
                    spreadsheet_safe(value)
                    for value in (
                        entry.number,
                        timezone.localtime(entry.recorded_at).strftime("%Y-%m-%d %H:%M"),
                        sale["reference"],
                        sale["dossier"],
                        line.get("catalog_code") or _("Public price list"),
                        sale["client"]["name"],
                        sale["client"]["email"],
                        f"{line['product_code']} — {line['name_fr']}",
                        line["start_date"],
                        line["participants"],
                        line["quantity"],
                        _amount(line["unit_price"]),
                        _amount(line["total"]),
                        # The sale's total once, on its first line: a spreadsheet's sum of the column is then
                        # what the sales add up to, as the sales page says, however many lines each has.
                        _amount(sale["total"]) if index == 0 else "",
                    )
                ]
            )
            yield buffer.getvalue()


@school_view(managers_only=True)
@require_POST
def price_lists_sync_view(request: SchoolRequest) -> HttpResponse:
    """ "Synchroniser avec 4807" on the catalog page: the worker fetches the price lists."""
    if not settings.MSEM_4807_URL:
        messages.error(request, _("No 4807 gateway is configured: price lists come from imported files."))
    else:
        sync_price_lists.enqueue(request.school.pk)
        messages.success(request, _("The price lists are being fetched from 4807; reload the page in a minute."))
    return redirect(reverse("backoffice:catalogs", kwargs={"school_slug": request.school.slug}))
