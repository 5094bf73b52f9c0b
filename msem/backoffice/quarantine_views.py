"""GESTION COMMERCIALE → Demandes → Indésirables: requests held as a robot's, to let in or delete."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from msem.backoffice.access import SchoolRequest, school_view
from msem.inquiries.models import QuarantinedRequest
from msem.inquiries.quarantine import quarantine_delete, quarantine_release
from msem.inquiries.selectors import quarantined_requests


@school_view()
@require_GET
def quarantine_view(request: SchoolRequest) -> HttpResponse:
    held = quarantined_requests(school=request.school)
    context = {"active_menu": "inquiries", "held": held, "quarantine_days": settings.MSEM_QUARANTINE_DAYS}
    return render(request, "backoffice/inquiries/quarantine.html", context)


@school_view()
@require_POST
def quarantine_action_view(request: SchoolRequest, quarantined_id: int) -> HttpResponse:
    if not QuarantinedRequest.objects.for_school(request.school).filter(pk=quarantined_id).exists():
        raise Http404
    action = request.POST.get("action")
    if action == "release":
        inquiry = quarantine_release(school=request.school, actor=request.user, quarantined_id=quarantined_id)
        messages.success(
            request,
            _("Request %(reference)s is in the inbox; its e-mails are on their way.")
            % {"reference": inquiry.reference},
        )
        return redirect("backoffice:inquiry", school_slug=request.school.slug, reference=inquiry.reference)
    if action == "delete":
        quarantine_delete(school=request.school, quarantined_id=quarantined_id)
        messages.success(request, _("The request is deleted."))
        return redirect("backoffice:quarantine", school_slug=request.school.slug)
    messages.error(request, _("Unknown action."))
    return redirect("backoffice:quarantine", school_slug=request.school.slug)
