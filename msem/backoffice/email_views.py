"""The school's e-mails: found by address, dossier or subject, and each one with its delivery attempts."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from msem.backoffice.access import SchoolRequest, school_view
from msem.backoffice.capped_paginator import CappedPaginator
from msem.backoffice.email_forms import EmailFilterForm
from msem.backoffice.inbox_rows import ReceivedShort, RowDateFormat
from msem.backoffice.refused_emails import FailedEmail, failed_emails
from msem.inquiries.models import Inquiry
from msem.inquiries.selectors import CLIENT_EMAIL_KINDS
from msem.mailing.models import OutgoingEmail
from msem.mailing.refusals import refusal_cause, refusal_explained
from msem.mailing.selectors import (
    delivery_attempts,
    outgoing_email_dossier,
    outgoing_email_for_school,
    outgoing_emails_failed_count,
    outgoing_emails_found,
)

# The HTML of an e-mail carries inline styles, as e-mails must: it is shown in
# a sandboxed frame under its own policy, never inside the back office's page.
EMAIL_HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"

EMAILS_PER_PAGE = 50

Kind = OutgoingEmail.Kind
# The kind in the list's narrow column; the whole label is in the cell's title.
KIND_SHORT_LABELS: dict[str, str | Promise] = {
    Kind.NOTIFICATION: pgettext_lazy("e-mail kind, short", "Notification"),
    Kind.ACKNOWLEDGEMENT: pgettext_lazy("e-mail kind, short", "Acknowledgement"),
    Kind.TEST: pgettext_lazy("e-mail kind, short", "Test"),
    Kind.REPLY: pgettext_lazy("e-mail kind, short", "Reply"),
    Kind.QUOTE: pgettext_lazy("e-mail kind, short", "Quote"),
    Kind.PAYMENT_REQUEST: pgettext_lazy("e-mail kind, short", "Payment request"),
    Kind.PAYMENT_RECEIPT: pgettext_lazy("e-mail kind, short", "Receipt"),
    Kind.QUOTE_ACCEPTED: pgettext_lazy("e-mail kind, short", "Quote accepted"),
    # To the school: its words, the timeline's and the filter's ("Avis à l’école"), not the client's.
    Kind.CLIENT_ACTION: pgettext_lazy("e-mail kind, short", "Notice to the school"),
    Kind.ALERT: pgettext_lazy("e-mail kind, short", "Alert"),
    Kind.ACCESS_GRANTED: pgettext_lazy("e-mail kind, short", "Access"),
}


@dataclass(frozen=True)
class EmailRow:
    email: OutgoingEmail
    queued_iso: str
    queued_short: str
    queued_long: str
    kind_short: str
    kind_label: str
    status_label: str
    # A client e-mail refused for good: what it means and what to do, in the status's title (the row
    # stays one line); said in full on the e-mail's page, which leads to the dossier's Client panel.
    status_title: str = ""


def _refusal_title(email: OutgoingEmail) -> str:
    if email.status != OutgoingEmail.Status.FAILED or email.kind not in CLIENT_EMAIL_KINDS or not email.last_error:
        return ""
    return refusal_explained(refusal_cause(email.last_error), correction_below=False)


def _rows(emails: list[OutgoingEmail]) -> list[EmailRow]:
    zone = timezone.get_current_timezone()
    short = ReceivedShort(timezone.now(), zone)
    long = RowDateFormat(formats.get_format("DATETIME_FORMAT"))
    # Translated once a page: get_kind_display() hashes every choice's lazy label, a translation
    # each, and the page took 20 ms of its 30 to do it 100 times.
    kinds = {value: str(label) for value, label in Kind.choices}
    short_kinds = {value: str(label) for value, label in KIND_SHORT_LABELS.items()}
    statuses = {value: str(label) for value, label in OutgoingEmail.Status.choices}
    rows = []
    for email in emails:
        local = timezone.localtime(email.created_at, zone)
        rows.append(
            EmailRow(
                email=email,
                queued_iso=local.isoformat(),
                queued_short=short(local),
                queued_long=long(local),
                kind_short=short_kinds.get(email.kind, kinds.get(email.kind, email.kind)),
                kind_label=kinds.get(email.kind, email.kind),
                status_label=statuses.get(email.status, email.status),
                status_title=_refusal_title(email),
            )
        )
    return rows


def _email_or_404(request: SchoolRequest, email_id: int) -> OutgoingEmail:
    email = outgoing_email_for_school(school=request.school, email_id=email_id)
    if email is None:
        raise Http404
    return email


@school_view()
@require_GET
def emails_view(request: SchoolRequest) -> HttpResponse:
    form = EmailFilterForm(request.GET)
    context: dict[str, object] = {
        "active_menu": "emails",
        "form": form,
        "failed_count": outgoing_emails_failed_count(school=request.school),
    }
    if not form.is_valid():
        # A read page: criteria it cannot use are said next to their field, and nothing is listed.
        return render(request, "backoffice/emails/list.html", context, status=400)
    emails = outgoing_emails_found(
        school=request.school, statuses=form.statuses, kind=form.cleaned_data["kind"], text=form.cleaned_data["q"]
    )
    page = CappedPaginator(emails, EMAILS_PER_PAGE).get_page(request.GET.get("page"))
    # The page links carry the criteria, as they were understood.
    criteria = urlencode([(name, value) for name, value in form.cleaned_data.items() if value])
    context.update(
        listed=True,
        page_obj=page,
        rows=_rows(list(page.object_list)),
        criteria=criteria,
        showing_failed=form.cleaned_data["status"] == "failed",
    )
    return render(request, "backoffice/emails/list.html", context)


@dataclass(frozen=True)
class Refusal:
    """What a client e-mail's final refusal means, and what to do, said above the server's answer."""

    # Still to be got to the client: what to do, as the dossier's Client panel says it.
    waiting: FailedEmail | None = None
    # Sent again since, or followed by a newer one of the same quote: nothing is left to do.
    settled: bool = False
    # Of no dossier (its personal data erased): what the refusal means.
    explanation: str = ""


def _refusal(email: OutgoingEmail, dossier: Inquiry | None) -> Refusal | None:
    if email.status != OutgoingEmail.Status.FAILED or email.kind not in CLIENT_EMAIL_KINDS or not email.last_error:
        return None
    if dossier is not None and dossier.personal_data_erased_at is None:
        waiting = next((f for f in failed_emails(dossier, correction_below=False) if f.email.pk == email.pk), None)
        return Refusal(waiting=waiting) if waiting is not None else Refusal(settled=True)
    return Refusal(explanation=refusal_explained(refusal_cause(email.last_error), correction_below=False))


@school_view()
@require_GET
def email_view(request: SchoolRequest, email_id: int) -> HttpResponse:
    email = _email_or_404(request, email_id)
    dossier = outgoing_email_dossier(school=request.school, email=email)
    return render(
        request,
        "backoffice/emails/detail.html",
        {
            "active_menu": "emails",
            "email": email,
            "attempts": delivery_attempts(email=email),
            "dossier": dossier,
            "refusal": _refusal(email, dossier),
        },
    )


@school_view()
@require_GET
def email_html_view(request: SchoolRequest, email_id: int) -> HttpResponse:
    email = _email_or_404(request, email_id)
    response = HttpResponse(email.html_body or "", content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = EMAIL_HTML_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
