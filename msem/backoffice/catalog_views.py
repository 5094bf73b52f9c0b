"""GESTION COMMERCIALE → Catalogues: what each price list sells, and importing a price list from a file."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from msem.backoffice.access import SchoolRequest, school_view
from msem.backoffice.catalog_forms import CatalogImportForm
from msem.backoffice.price_list_export import price_list_csv, price_list_filename
from msem.catalog.example_file import catalog_example_csv
from msem.catalog.importing import CatalogImportError, ImportProblem, catalog_file_read
from msem.catalog.selectors import PUBLIC, PriceList, price_list_by_key, price_list_entries, price_lists
from msem.catalog.services import catalog_import


def _render_page(
    request: SchoolRequest,
    *,
    lists: list[PriceList],
    selected: PriceList,
    form: CatalogImportForm | None = None,
    problems: list[ImportProblem] | None = None,
    status: int = 200,
) -> HttpResponse:
    show_past = request.GET.get("past") == "1"
    is_manager = request.membership.is_manager
    if is_manager and form is None:
        form = CatalogImportForm(price_lists=lists, initial={"price_list": selected.key})
    context: dict[str, Any] = {
        "active_menu": "catalogs",
        "lists": lists,
        "selected": selected,
        "entries": price_list_entries(
            school=request.school,
            catalog=selected.catalog,
            language=get_language(),
            ending_after=None if show_past else timezone.localdate(),
        ),
        "show_past": show_past,
        "form": form if is_manager else None,
        "problems": problems or [],
        "gateway_configured": bool(settings.MSEM_4807_URL),
    }
    return render(request, "backoffice/catalogs/page.html", context, status=status)


@school_view()
@require_GET
def catalogs_view(request: SchoolRequest) -> HttpResponse:
    lists = price_lists(school=request.school)
    key = request.GET.get("list", PUBLIC)
    selected = next((price_list for price_list in lists if price_list.key == key), None)
    if selected is None:
        raise Http404
    return _render_page(request, lists=lists, selected=selected)


@school_view()
@require_GET
def catalogs_export_view(request: SchoolRequest) -> HttpResponse:
    """The price list shown on the page (?list=, ?past=1), for whoever may see it: its prices as CSV."""
    selected = price_list_by_key(school=request.school, key=request.GET.get("list", PUBLIC))
    if selected is None:
        raise Http404
    today = timezone.localdate()
    entries = price_list_entries(
        school=request.school,
        catalog=selected.catalog,
        language=get_language(),
        ending_after=None if request.GET.get("past") == "1" else today,
    )
    response = HttpResponse(price_list_csv(entries, price_list=selected), content_type="text/csv; charset=utf-8")
    filename = price_list_filename(selected, school_slug=request.school.slug, day=f"{today:%Y-%m-%d}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@school_view(managers_only=True)
@require_POST
def catalogs_import_view(request: SchoolRequest) -> HttpResponse:
    lists = price_lists(school=request.school)
    form = CatalogImportForm(request.POST, request.FILES, price_lists=lists)
    if not form.is_valid():
        selected = form.price_lists.get(request.POST.get("price_list", ""), lists[0])
        return _render_page(request, lists=lists, selected=selected, form=form, status=400)
    target: PriceList = form.cleaned_data["price_list"]
    try:
        rows = catalog_file_read(content=form.cleaned_data["file"].read())
        report = catalog_import(school=request.school, catalog=target.catalog, rows=rows)
    except CatalogImportError as error:
        return _render_page(request, lists=lists, selected=target, form=form, problems=error.problems, status=400)
    messages.success(request, report.summary())
    url = reverse("backoffice:catalogs", kwargs={"school_slug": request.school.slug})
    return redirect(f"{url}?list={target.key}")


@school_view(managers_only=True)
@require_GET
def catalogs_example_view(request: SchoolRequest) -> HttpResponse:
    """A file to start from: the columns the import expects, a line of each kind, this season's dates."""
    response = HttpResponse(catalog_example_csv(today=timezone.localdate()), content_type="text/csv; charset=utf-8")
    filename = _("price-list-example") + ".csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
