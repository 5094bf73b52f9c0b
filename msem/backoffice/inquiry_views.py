"""GESTION COMMERCIALE → Demandes: the list of requests and the dossier page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from msem.backoffice.access import school_view
from msem.inquiries.selectors import inquiries_recent, inquiry_by_reference, inquiry_timeline

PAGE_SIZE = 50


@school_view()
@require_GET
def inquiries_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(inquiries_recent(school=request.school), PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[attr-defined]
    return render(request, "backoffice/inquiries/list.html", {"active_menu": "inquiries", "page_obj": page})


@school_view()
@require_GET
def inquiry_view(request: HttpRequest, reference: str) -> HttpResponse:
    inquiry = inquiry_by_reference(school=request.school, reference=reference)  # type: ignore[attr-defined]
    if inquiry is None:
        raise Http404
    return render(
        request,
        "backoffice/inquiries/detail.html",
        {"active_menu": "inquiries", "inquiry": inquiry, "timeline": inquiry_timeline(inquiry=inquiry)},
    )
