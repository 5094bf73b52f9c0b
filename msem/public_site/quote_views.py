"""The client's side of a quote: its page (accept), its PDF, and the payment page."""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from msem.payments.links import PaymentLinkInvalid, payment_link_token, payment_request_from_token
from msem.payments.means import payment_means
from msem.payments.models import Payment
from msem.payments.pay_link import payment_request_waiting
from msem.payments.services import PaymentRefused, amount_paid, payment_record
from msem.payments.stripe_checkout import WebhookRejected, checkout_session_start, stripe_available, webhook_apply
from msem.quotes.issue import quote_issue
from msem.quotes.links import quote_link_problem, quote_link_split
from msem.quotes.models import Quote
from msem.quotes.next_step import quote_next_step
from msem.quotes.pdf import quote_pdf
from msem.quotes.services import quote_accept, quote_expire_if_due

logger = logging.getLogger(__name__)


def _quote_or_404(school_slug: str, link_token: str) -> tuple[Quote, int | None]:
    """The quote of a client's link, and the version the link was sent for."""
    token, version = quote_link_split(link_token)
    quote = Quote.objects.select_related("school", "inquiry").filter(token=token, school__slug=school_slug).first()
    if quote is None:
        raise Http404
    return quote_expire_if_due(quote), version


def _quote_unavailable(request: HttpRequest, language: str, quote: Quote, problem: str, *, status: int) -> HttpResponse:
    """The page of a link that shows no quote: nothing of the quote's content, only why and what comes next."""
    return render(
        request,
        "public_site/quote_unavailable.html",
        {"school": quote.school, "language": language, "quote": quote, "problem": problem},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def quote_view(request: HttpRequest, language: str, school_slug: str, token: str) -> HttpResponse:
    quote, version = _quote_or_404(school_slug, token)
    problem = quote_link_problem(quote, version)
    if problem:
        # A refused acceptance is a bad request; a link that no longer shows its quote is gone.
        return _quote_unavailable(request, language, quote, problem, status=400 if request.method == "POST" else 410)
    error = ""
    if request.method == "POST":
        try:
            quote_accept(school=quote.school, quote_id=quote.pk, token=quote.token, version=version)
        except (ValidationError, PermissionDenied):
            error = "not_acceptable"
        else:
            return redirect(request.path)
        quote, version = _quote_or_404(school_slug, token)
    lines = list(quote.lines.all())
    pending = payment_request_waiting(quote)
    paid = amount_paid(quote)
    remaining = max(quote.totals(lines).including_vat - paid, Decimal("0"))
    return render(
        request,
        "public_site/quote.html",
        {
            "school": quote.school,
            "language": language,
            "quote": quote,
            "lines": lines,
            "totals": quote.totals(lines),
            "paid": paid,
            "remaining": remaining,
            "issue": quote_issue(quote),
            # In the acceptance e-mail's words (msem.quotes.next_step).
            "next_step": quote_next_step(quote=quote, waiting=pending, left_to_pay=remaining, language=language)
            if quote.status == Quote.Status.ACCEPTED
            else "",
            "pending_request": pending,
            "pending_link": payment_link_token(pending) if pending else "",
            "error": error,
        },
        status=400 if error else 200,
    )


@require_safe
def quote_pdf_view(request: HttpRequest, language: str, school_slug: str, token: str) -> HttpResponse:
    quote, version = _quote_or_404(school_slug, token)
    problem = quote_link_problem(quote, version)
    if problem:
        return _quote_unavailable(request, language, quote, problem, status=410)
    response = HttpResponse(quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quote.number}.pdf"'
    return response


def _pay_page(request: HttpRequest, language: str, token: str, *, error: str = "") -> HttpResponse:
    try:
        payment_request = payment_request_from_token(token)
    except PaymentLinkInvalid as invalid:
        if invalid.reason == "unknown":
            raise Http404 from invalid
        context: dict[str, Any] = {
            "reason": invalid.reason,
            "language": language,
            "payment_request": invalid.payment_request,
        }
        if invalid.payment_request is not None:
            quote = invalid.payment_request.quote
            context["school"] = invalid.payment_request.school
            context["quote"] = quote
            if invalid.reason == "paid":
                # What is left to pay after this payment, for the client to know what comes next.
                context["remaining"] = max(quote.totals().including_vat - amount_paid(quote), Decimal("0"))
        status = 200 if invalid.reason == "paid" else 410
        return render(request, "public_site/pay_unavailable.html", context, status=status)
    quote = payment_request.quote
    school = payment_request.school
    means = payment_means(school=school)
    return render(
        request,
        "public_site/pay.html",
        {
            "school": school,
            "language": language,
            "quote": quote,
            "payment_request": payment_request,
            "total": quote.totals().including_vat,
            "paid": amount_paid(quote),
            "card": means.card,
            "sandbox": means.sandbox,
            "bank_transfer": means.bank_transfer,
            "checkout_returned": request.GET.get("checkout") == "success",
            "error": error,
        },
        status=400 if error else 200,
    )


@require_safe
def pay_view(request: HttpRequest, language: str, token: str) -> HttpResponse:
    return _pay_page(request, language, token)


@require_POST
def pay_card_view(request: HttpRequest, language: str, token: str) -> HttpResponse:
    if not stripe_available():
        raise Http404
    try:
        payment_request = payment_request_from_token(token)
    except PaymentLinkInvalid:
        return _pay_page(request, language, token)
    page = request.build_absolute_uri(reverse("public_site:pay", kwargs={"language": language, "token": token}))
    url = checkout_session_start(
        payment_request=payment_request, success_url=f"{page}?checkout=success", cancel_url=page
    )
    return HttpResponseRedirect(url)


@require_POST
def pay_sandbox_view(request: HttpRequest, language: str, token: str) -> HttpResponse:
    """The demo's pretend payment: the same path as real money, minus the money."""
    if not settings.MSEM_PAYMENT_SANDBOX:
        raise Http404
    try:
        payment_request = payment_request_from_token(token)
    except PaymentLinkInvalid:
        return _pay_page(request, language, token)
    if request.POST.get("outcome") == "fail":
        return _pay_page(request, language, token, error="declined")
    try:
        payment_record(
            school=payment_request.school_id,
            payment_request_id=payment_request.pk,
            provider=Payment.Provider.SANDBOX,
            provider_reference=f"sandbox-{uuid.uuid4().hex}",
            amount=payment_request.amount,
        )
    except PaymentRefused:
        return _pay_page(request, language, token, error="refused")
    return redirect("public_site:pay", language=language, token=token)


@csrf_exempt
@require_POST
def stripe_webhook_view(request: HttpRequest) -> HttpResponse:
    try:
        outcome = webhook_apply(payload=request.body, signature=request.headers.get("Stripe-Signature", ""))
    except WebhookRejected as rejected:
        logger.warning("Stripe webhook rejected: %s", rejected)
        return HttpResponse(status=400)
    return HttpResponse(outcome, content_type="text/plain")
