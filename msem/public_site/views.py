"""The school's public contact form, in French and in English, embeddable in its website."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from functools import wraps

from django import forms
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from msem.inquiries.abuse import intake_allowed, intake_count
from msem.inquiries.intake import IntakeData, IntakeForm
from msem.inquiries.models import QuarantinedRequest
from msem.inquiries.quarantine import quarantine_put, spam_reason
from msem.inquiries.reception import inquiry_receive
from msem.inquiries.selectors import inquiry_for_intake_key
from msem.platform.client_ip import client_ip
from msem.platform.security_events import security_event
from msem.platform.security_headers import allow_framing_by
from msem.public_site.form_page import SUBJECT_PARAMETER, form_page
from msem.public_site.form_token import FormToken, form_token_issue, form_token_read, form_token_started_at
from msem.schools.models import School

LANGUAGES = ("fr", "en")
THANKS_SALT = "msem.public_site.thanks"
# The honeypot: hidden from people by the stylesheet, filled by robots.
HONEYPOT_FIELD = "website"


class ContactForm(IntakeForm):
    """The intake fields as a browser shows them, plus the honeypot."""

    website = forms.CharField(
        required=False,
        label=gettext_lazy("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


def _school_or_404(request: HttpRequest, language: str, school_slug: str) -> School:
    if language not in LANGUAGES:
        raise Http404
    school = get_object_or_404(School, slug=school_slug)
    request.school = school  # type: ignore[attr-defined]
    return school


def framable_by_the_school(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every answer of the view, redirects included, may be shown inside the school's website."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        school = getattr(request, "school", None)
        return allow_framing_by(response, school.origins) if school is not None else response

    return wrapped


def _form_html(
    request: HttpRequest, school: School, language: str, form: ContactForm, token: str, *, subject_id: int | None = None
) -> str:
    other = "en" if language == "fr" else "fr"
    context = {
        "school": school,
        "form": form,
        "language": language,
        "other_language": other,
        "form_token": token,
        "today": timezone.localdate().isoformat(),
        # The other language's form opens on the same subject, if it offers it.
        "chosen_subject": subject_id,
    }
    return render_to_string("public_site/contact.html", context, request=request)


def _render_form_again(
    request: HttpRequest, school: School, language: str, form: ContactForm, sent_token: FormToken | None
) -> HttpResponse:
    """The form back with its errors, under a new token that keeps when the person started, if we know it."""
    # So the fill time counts from the first page, not from the page of errors; only a token we
    # signed for this school tells that start (an expired one too), so a robot cannot claim an earlier one.
    if sent_token is not None:
        started_at: float | None = sent_token.started_at
    else:
        started_at = form_token_started_at(request.POST.get("form_token", ""), school_id=school.pk)
    token = form_token_issue(school_id=school.pk, started_at=started_at)
    return HttpResponse(_form_html(request, school, language, form, token), status=400)


def _render_blank_form(request: HttpRequest, school: School, language: str) -> HttpResponse:
    def draw(token_slot: str, subject_id: int | None) -> str:
        form = ContactForm(school=school, language=language, initial={"subject": subject_id})
        return _form_html(request, school, language, form, token_slot, subject_id=subject_id)

    page = form_page(
        school,
        language,
        subject=request.GET.get(SUBJECT_PARAMETER, ""),
        draw=draw,
        token=form_token_issue(school_id=school.pk),
    )
    return HttpResponse(page)


def _thanks_redirect(school: School, language: str, reference: str) -> HttpResponse:
    signed = signing.dumps(reference, salt=THANKS_SALT, compress=True)
    return redirect("public_site:contact_thanks", language=language, school_slug=school.slug, receipt=signed)


def _pretend_success(school: School, language: str) -> HttpResponse:
    """What a robot gets: a success page like any other, with a reference that exists nowhere."""
    year = timezone.localdate().year
    return _thanks_redirect(school, language, f"DEM-{year}-{secrets.randbelow(90000) + 10000:05d}")


def _quarantine(request: HttpRequest, school: School, language: str, data: IntakeData, reason: str) -> HttpResponse:
    """Held aside for a secretary to look at; the sender is thanked like anyone (msem/inquiries/quarantine.py)."""
    ip_address = client_ip(request)
    # Anti-automation at work: on record with the reason, so an operator sees a campaign coming.
    security_event(
        "intake.quarantined", level=logging.WARNING, reason=reason, ip_address=ip_address, school_id=school.pk
    )
    allowed = intake_allowed(school=school, ip_address=ip_address, email=data.email)
    if allowed and quarantine_put(school=school, data=data, reason=reason):
        intake_count(school=school, ip_address=ip_address, email=data.email)
    return _pretend_success(school, language)


def _robot_likeness(hidden_field_filled: bool, token: FormToken, data: IntakeData) -> str | None:
    if hidden_field_filled:
        return QuarantinedRequest.Reason.HIDDEN_FIELD
    if token.filled_too_fast:
        # Nobody types a whole request in a few seconds; but a browser that fills forms can.
        return QuarantinedRequest.Reason.TOO_FAST
    return spam_reason(data)


# No CSRF cookie: the form lives in an iframe of the school's site, where browsers
# do not send our cookies. Its signed, single-use, per-school token does that job
# (and there is no session to ride on: the form is anonymous). HEAD is a GET without its body: the
# school's website checks its link with it, and a 405 reads there as a broken link.
@csrf_exempt
@framable_by_the_school
@require_http_methods(["GET", "HEAD", "POST"])
def contact_view(request: HttpRequest, language: str, school_slug: str) -> HttpResponse:
    school = _school_or_404(request, language, school_slug)
    if request.method in ("GET", "HEAD"):
        return _render_blank_form(request, school, language)

    token: FormToken | None = form_token_read(request.POST.get("form_token", ""), school_id=school.pk)
    form = ContactForm(request.POST, school=school, language=language)
    hidden_field_filled = bool(request.POST.get(HONEYPOT_FIELD))
    if hidden_field_filled and (token is None or not form.is_valid()):
        return _pretend_success(school, language)  # a robot's, and nothing a person could want back
    if not form.is_valid() or token is None:
        if token is None:
            form.add_error(None, _("This form has expired. Check your answers and send it again."))
        return _render_form_again(request, school, language, form, token)

    data = form.intake_data()
    if reason := _robot_likeness(hidden_field_filled, token, data):
        return _quarantine(request, school, language, data, reason)
    already = inquiry_for_intake_key(school=school, key=token.nonce)
    if already is not None:
        return _thanks_redirect(school, language, already.reference)
    ip_address = client_ip(request)
    if not intake_allowed(school=school, ip_address=ip_address, email=data.email):
        response = render(
            request, "public_site/rate_limited.html", {"school": school, "language": language}, status=429
        )
        response["Retry-After"] = "3600"
        return response
    receipt = inquiry_receive(school=school, data=data, intake_key=token.nonce)
    if receipt.created:
        intake_count(school=school, ip_address=ip_address, email=data.email)
    return _thanks_redirect(school, language, receipt.inquiry.reference)


@framable_by_the_school
@require_safe
def contact_thanks_view(request: HttpRequest, language: str, school_slug: str, receipt: str) -> HttpResponse:
    school = _school_or_404(request, language, school_slug)
    try:
        reference = signing.loads(receipt, salt=THANKS_SALT)
    except signing.BadSignature as error:
        raise Http404 from error
    return render(
        request,
        "public_site/thanks.html",
        {"school": school, "language": language, "reference": reference},
    )
