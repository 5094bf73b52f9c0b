"""Reading an e-mail of the outbox: what was sent (or is waiting), and each delivery attempt."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from msem.backoffice.access import SchoolRequest, school_view
from msem.mailing.models import OutgoingEmail
from msem.mailing.selectors import delivery_attempts, outgoing_email_for_school, outgoing_emails_recent

# The HTML of an e-mail carries inline styles, as e-mails must: it is shown in
# a sandboxed frame under its own policy, never inside the back office's page.
EMAIL_HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"


def _email_or_404(request: SchoolRequest, email_id: int) -> OutgoingEmail:
    email = outgoing_email_for_school(school=request.school, email_id=email_id)
    if email is None:
        raise Http404
    return email


@school_view()
@require_GET
def emails_view(request: SchoolRequest) -> HttpResponse:
    page = Paginator(outgoing_emails_recent(school=request.school), 50).get_page(request.GET.get("page"))
    return render(request, "backoffice/emails/list.html", {"active_menu": "emails", "page_obj": page})


@school_view()
@require_GET
def email_view(request: SchoolRequest, email_id: int) -> HttpResponse:
    email = _email_or_404(request, email_id)
    return render(
        request,
        "backoffice/emails/detail.html",
        {"active_menu": "emails", "email": email, "attempts": delivery_attempts(email=email)},
    )


@school_view()
@require_GET
def email_html_view(request: SchoolRequest, email_id: int) -> HttpResponse:
    email = _email_or_404(request, email_id)
    response = HttpResponse(email.html_body or "", content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = EMAIL_HTML_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
