"""The "Cours de ski" panel of the dossier page: quotes, their lines, sending, payment requests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from msem.backoffice.access import SchoolRequest, school_view
from msem.backoffice.htmx import partial_wanted
from msem.backoffice.inbox_return import back_suffix, request_back
from msem.backoffice.inquiry_views import dossier_refused
from msem.backoffice.quote_forms import (
    PAYMENT_SEEN_INVALID,
    SEND_SEEN_INVALID,
    LineAddForm,
    LineValuesForm,
    PaymentRequestForm,
    SendQuoteForm,
    TransferReceivedForm,
)
from msem.backoffice.quote_line_defaults import line_defaults, line_edits, line_refused
from msem.backoffice.quote_mail_refused import PAYMENT, SEND, TypedMail, mail_refused, mail_typed
from msem.catalog.selectors import price_list_by_key, price_lists, priced_products
from msem.inquiries.models import Inquiry
from msem.inquiries.selectors import inquiry_by_reference
from msem.mailing.models import MailKind
from msem.mailing.placeholders import ALLOWED_BY_KIND, validate_placeholders
from msem.payments.means import payment_means
from msem.payments.models import Payment, PaymentRequest
from msem.payments.services import (
    PaymentRefused,
    payment_record,
    payment_request_cancel,
    payment_request_remind,
    payment_request_send,
)
from msem.platform.labels import labelled
from msem.quotes.meanwhile import draft_of_dossier, last_quote_sent_id
from msem.quotes.models import Quote, QuoteLine
from msem.quotes.pdf import quote_pdf
from msem.quotes.selectors import DossierQuote, quotes_of_dossier
from msem.quotes.sending import quote_email_compose
from msem.quotes.services import (
    quote_cancel,
    quote_create,
    quote_line_add,
    quote_line_remove,
    quote_line_update,
    quote_remind,
    quote_reopen,
    quote_send,
    quote_send_refusal,
)


def _quote_or_404(request: SchoolRequest, quote_id: int) -> Quote:
    quote = Quote.objects.for_school(request.school).select_related("inquiry").filter(pk=quote_id).first()
    if quote is None:
        raise Http404
    return quote


def _back(request: SchoolRequest, quote: Quote, *, line: QuoteLine | None = None, anchor: str = "") -> HttpResponse:
    """The dossier at this quote (at one of its lines, or at `anchor`), with the way back to the inbox it was
    opened from."""
    url = reverse(
        "backoffice:inquiry", kwargs={"school_slug": quote.inquiry.school.slug, "reference": quote.inquiry.reference}
    )
    anchor = anchor or (f"line-{line.pk}" if line else f"quote-{quote.pk}")
    return redirect(f"{url}{back_suffix(request_back(request))}#{anchor}")


def _fail(request: SchoolRequest, quote: Quote, errors: list[str]) -> HttpResponse:
    for error in errors:
        messages.error(request, error)
    return _back(request, quote)


def _line_done(request: SchoolRequest, quote: Quote, text: str, *, line: QuoteLine | None = None) -> HttpResponse:
    """A line added, changed or removed: said at the top of its quote, the keyboard at the line (or the quote).

    From htmx, the panel alone comes back, to be swapped in place of the old one; else the dossier page.
    """
    if partial_wanted(request):
        landing = f"line-{line.pk}" if line else f"quote-{quote.pk}"
        return _panel(request, quote.inquiry, landing=landing, notices=[PanelNotice(quote.pk, text)])
    messages.success(request, text)
    return _back(request, quote, line=line)


def _line_failed(request: SchoolRequest, quote: Quote, errors: list[str]) -> HttpResponse:
    """A change of a line refused for its quote as a whole (sent meanwhile): said at the top of the quote."""
    if partial_wanted(request):
        notices = [PanelNotice(quote.pk, error, error=True) for error in errors]
        return _panel(request, quote.inquiry, landing=f"quote-{quote.pk}", notices=notices, status=409)
    return _fail(request, quote, errors)


# The field of a line that a service's refusal is about (its code), for the form to focus it.
SERVICE_ERROR_FIELDS = {
    "past_date": "start_date",
    "far_date": "start_date",
    "not_sold_then": "start_date",
    "end_before_start": "end_date",
    "participants": "participants",
    "quantity": "quantity",
}


def _invalid_fields(error: ValidationError | forms.Form) -> list[str]:
    if isinstance(error, forms.Form):
        return [name for name in error.errors if name != "__all__"]
    return [SERVICE_ERROR_FIELDS[item.code] for item in error.error_list if item.code in SERVICE_ERROR_FIELDS]


def _texts_refused(data: dict[str, Any], kind: str) -> list[str]:
    """The subject line or the text whose placeholders the service refused (a name unknown, a brace alone)."""
    refused = []
    for name in ("subject", "body"):
        try:
            validate_placeholders(data.get(name) or "", allowed=ALLOWED_BY_KIND[kind])
        except ValidationError:
            refused.append(name)
    return refused


def _payment_invalid_fields(error: ValidationError, data: dict[str, Any]) -> list[str]:
    """The fields of a payment request that the service's refusal is about: the deposit typed, the link's days."""
    invalid = _texts_refused(data, MailKind.PAYMENT_REQUEST)
    for code in {item.code for item in error.error_list}:
        if code == "invalid_deposit":
            typed = [name for name in ("percentage", "amount") if data.get(name) is not None]
            invalid += typed or ["percentage", "amount"]
        elif code == "link_days":
            invalid.append("valid_days")
    return invalid


def _form_errors(form: forms.Form) -> list[str]:
    return [
        str(error) if name == "__all__" else labelled(form[name].label, error)
        for name, errors in form.errors.items()
        for error in errors
    ]


@dataclass(frozen=True)
class PanelNotice:
    """What was just done to a quote (or refused), said at the top of that quote in the panel."""

    quote_id: int
    text: str
    error: bool = False


def _panel(
    request: SchoolRequest,
    inquiry: Inquiry,
    *,
    landing: str | None = None,
    notices: list[PanelNotice] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The "Cours de ski" panel. `landing`: the id of what the keyboard goes to once the panel is swapped in
    after a change of a line (the line, the add form, the line's form), with `notices` at the top of its quote."""
    today = timezone.localdate()
    quotes = quotes_of_dossier(school=request.school, inquiry=inquiry)
    draft = next((entry for entry in quotes if entry.quote.status == Quote.Status.DRAFT), None)
    payable = next(
        (entry for entry in quotes if entry.quote.status in (Quote.Status.SENT, Quote.Status.ACCEPTED)), None
    )
    send_typed = mail_typed(request.session, quote_id=draft.quote.pk, form=SEND) if draft else None
    payment_typed = mail_typed(request.session, quote_id=payable.quote.pk, form=PAYMENT) if payable else None
    return render(
        request,
        "backoffice/quotes/_panel.html",
        {
            "inquiry": inquiry,
            "quotes": quotes,
            "price_lists": price_lists(school=request.school) if draft else [],
            "line_defaults": line_defaults(
                session=request.session,
                inquiry=inquiry,
                quote_id=draft.quote.pk if draft else None,
                lines=draft.lines if draft else [],
                today=today,
            ),
            "line_edits": line_edits(
                session=request.session, quote_id=draft.quote.pk if draft else None, lines=draft.lines if draft else []
            ),
            "send_form": SendQuoteForm(
                initial=send_typed.values
                if send_typed
                else SendQuoteForm.initial_for(school=request.school, quote=draft.quote)
            )
            if draft
            else None,
            "send_invalid": send_typed.invalid if send_typed else (),
            # What the forms saw (msem.quotes.meanwhile): kept from a form refused for a typing mistake.
            "send_seen": _marker(send_typed, "seen", lambda: last_quote_sent_id(inquiry)) if draft else "",
            "payment_kept": _payment_markers(payment_typed, payable.quote.pk) if payable else {},
            "payment_form": PaymentRequestForm(
                initial=payment_typed.values
                if payment_typed
                else (
                    SendQuoteForm.initial_for(school=request.school, quote=payable.quote, kind=MailKind.PAYMENT_REQUEST)
                    | {"kind": _kind_offered(payable), "valid_days": 7}
                )
            )
            if payable
            else None,
            "payment_invalid": payment_typed.invalid if payment_typed else (),
            # No card, no sandbox, no IBAN: the link would only ask the client to contact the school.
            "client_cannot_pay": bool(payable) and not payment_means(school=request.school).any,
            "transfer_form": TransferReceivedForm(initial={"received_on": today}),
            "today": today,
            "back_suffix": back_suffix(request_back(request)),
            "landing": landing,
            "notices": notices or [],
        },
        status=status,
    )


def _kind_offered(entry: DossierQuote) -> str:
    """The whole amount, unless a request still payable already asks for it (asking it again is refused)."""
    pending = entry.pending_request
    if pending is not None and not entry.pending_link_expired and pending.amount == entry.left_to_pay:
        return PaymentRequest.Kind.DEPOSIT
    return PaymentRequest.Kind.FULL


def _marker(typed: TypedMail | None, name: str, fresh: Callable[[], object]) -> object:
    return typed.values[name] if typed and name in typed.values else fresh()


def _payment_markers(typed: TypedMail | None, quote_id: int) -> dict[str, object]:
    """The quote's version and the request waiting that a refused payment form saw, for that quote's form."""
    if typed is None or "version" not in typed.values:
        return {}
    return {"quote": quote_id, "version": typed.values["version"], "replaces": typed.values.get("replaces", "")}


# The services' refusals that are a colleague's doing meanwhile (or the same form sent twice): 409.
CONFLICTS = frozenset(
    (
        "sent_meanwhile",
        "cancelled_meanwhile",
        "quote_changed_meanwhile",
        "already_requested",
        "replaced_request_changed",
        "quote_not_payable",
    )
)


def _conflict(error: ValidationError) -> bool:
    return any(item.code in CONFLICTS for item in error.error_list)


def _stopped(request: SchoolRequest, quote: Quote, error: ValidationError) -> HttpResponse:
    """The dossier as it is now, refused with 409 and why at the top; her text waits in the panel."""
    inquiry = inquiry_by_reference(school=request.school, reference=quote.inquiry.reference)
    if inquiry is None:
        raise Http404
    return dossier_refused(request, inquiry, status=409, errors=error.messages)


@school_view()
@require_GET
def quotes_panel_view(request: SchoolRequest, reference: str) -> HttpResponse:
    """htmx: the "Cours de ski" panel of a dossier, loaded after the page (its queries stay apart)."""
    inquiry = inquiry_by_reference(school=request.school, reference=reference)
    if inquiry is None:
        raise Http404
    return _panel(request, inquiry)


@school_view()
@require_POST
def quote_create_view(request: SchoolRequest, reference: str) -> HttpResponse:
    inquiry = inquiry_by_reference(school=request.school, reference=reference)
    if inquiry is None:
        raise Http404
    try:
        quote = quote_create(school=request.school, actor=request.user, inquiry_id=inquiry.pk)
    except ValidationError as error:
        started = draft_of_dossier(school_id=request.school.pk, inquiry_id=inquiry.pk)
        if error.code != "draft_exists" or started is None:
            raise
        # Nothing of hers is lost (she typed nothing): to the draft already there, said why, at its top.
        messages.warning(request, error.messages[0])
        return _back(request, started.quote)
    messages.success(request, _("Quote %(number)s created: add its products.") % {"number": quote.number})
    return _back(request, quote)


@school_view()
@require_GET
def quote_products_view(request: SchoolRequest, quote_id: int) -> HttpResponse:
    """htmx: the products of the chosen price list on the chosen day, matching the search."""
    quote = _quote_or_404(request, quote_id)
    chosen = price_list_by_key(school=request.school, key=request.GET.get("price_list", "public"))
    if chosen is None:
        return HttpResponse(_("Unknown price list."), status=400)
    try:
        day = datetime.strptime(request.GET.get("start_date", ""), "%Y-%m-%d").date()
    except ValueError:
        day = timezone.localdate()
    prices = priced_products(
        school=request.school, catalog=chosen.catalog, on=day, search=request.GET.get("search", "")
    )
    shown = list(prices[:50])
    return render(
        request,
        "backoffice/quotes/_products.html",
        {
            "quote": quote,
            "prices": shown,
            "price_list": chosen,
            # A new school's price list has nothing at all: "nothing sold on 26 Dec" would send her to change the day.
            "price_list_empty": not shown
            and not priced_products(school=request.school, catalog=chosen.catalog).exists(),
            "day": day,
            "back_suffix": back_suffix(request_back(request)),
        },
    )


def _line_refused(
    request: SchoolRequest,
    quote: Quote,
    errors: list[str],
    line: QuoteLine | None = None,
    invalid: list[str] | None = None,
) -> HttpResponse:
    """Back to the form, with what was typed and the errors next to it (not in the banner, out of sight).

    The add form, or for a change of a line refused, that line's own form, its fields in error marked.
    """
    line_id = line.pk if line else None
    line_refused(request.session, quote_id=quote.pk, data=request.POST, errors=errors, line_id=line_id, invalid=invalid)
    anchor = f"line-edit-{line.pk}" if line else f"add-line-{quote.pk}"
    if partial_wanted(request):
        # The panel shows what was refused at once (and takes it out of the session, as a page would).
        return _panel(request, quote.inquiry, landing=anchor, status=422)
    return _back(request, quote, anchor=anchor)


@school_view()
@require_POST
def quote_line_add_view(request: SchoolRequest, quote_id: int) -> HttpResponse:
    quote = _quote_or_404(request, quote_id)
    form = LineAddForm(request.POST, school=request.school)
    if not form.is_valid():
        return _line_refused(request, quote, _form_errors(form), invalid=_invalid_fields(form))
    data = form.cleaned_data
    try:
        line = quote_line_add(
            school=request.school,
            actor=request.user,
            quote_id=quote.pk,
            catalog=data["price_list"].catalog,
            product=data["product"],
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            participants=data["participants"],
            quantity=data["quantity"],
        )
    except ValidationError as error:
        return _line_refused(request, quote, error.messages, invalid=_invalid_fields(error))
    # At the line just added: the keyboard on its "Edit", two Tabs from the add form for the next one.
    return _line_done(request, quote, _("Product added."), line=line)


@school_view()
@require_POST
def quote_line_update_view(request: SchoolRequest, line_id: int) -> HttpResponse:
    line = QuoteLine.objects.for_school(request.school).select_related("quote__inquiry").filter(pk=line_id).first()
    if line is None:
        raise Http404
    if request.POST.get("action") == "remove":
        try:
            quote_line_remove(school=request.school, actor=request.user, line_id=line.pk)
        except ValidationError as error:
            return _line_failed(request, line.quote, error.messages)
        # Said, and where the keyboard lands: the line is gone, nothing else on the page says so.
        return _line_done(request, line.quote, _("Line %(code)s removed.") % {"code": line.product_code})
    form = LineValuesForm(request.POST)
    if form.is_valid():
        try:
            quote_line_update(school=request.school, actor=request.user, line_id=line.pk, **form.cleaned_data)
        except ValidationError as error:
            refused, invalid = error, _invalid_fields(error)
        else:
            # Back at the line: the keyboard and the screen reader carry on from where she was.
            return _line_done(request, line.quote, _("Line %(code)s changed.") % {"code": line.product_code}, line=line)
    else:
        refused, invalid = ValidationError(_form_errors(form)), _invalid_fields(form)
    if line.quote.status != Quote.Status.DRAFT or refused.error_list[0].code == "quote_not_draft":
        # No form of this line on the panel any more (the quote was sent): say it in the banner.
        return _line_failed(request, line.quote, refused.messages)
    return _line_refused(request, line.quote, refused.messages, line, invalid)


@school_view()
@require_POST
def quote_send_preview_view(request: SchoolRequest, quote_id: int) -> HttpResponse:
    """The quote e-mail as the client will receive it, before "Send the quote" sends it (quote_send_view).

    Composed by the very code that sends it (quote_email_compose), nothing written, nothing queued. From
    htmx: the send form again with the preview below the text; without JavaScript: a page of its own.
    """
    quote = _quote_or_404(request, quote_id)
    inquiry = quote.inquiry
    form = SendQuoteForm(request.POST)
    errors: list[str] = []
    invalid: list[str] = []
    preview = None
    if quote.status != Quote.Status.DRAFT:
        form.is_valid()  # the marker as the send form reads it; her text does not matter any more
        errors = [quote_send_refusal(quote=quote, actor=request.user, seen_sent_id=form.cleaned_data.get("seen"))]
    elif not form.is_valid():
        errors, invalid = _form_errors(form), _invalid_fields(form)
        if form.marker_refused():
            errors, invalid = [str(SEND_SEEN_INVALID)], []
    else:
        try:
            data = form.cleaned_data
            preview = quote_email_compose(quote=quote, with_pdf=True, subject=data["subject"], body=data["body"])
        except ValidationError as error:
            errors, invalid = error.messages, _texts_refused(form.cleaned_data, MailKind.QUOTE)
    context = {
        "quote": quote,
        "inquiry": inquiry,
        "send_form": form,
        # The send form's marker of what it saw (a quote sent meanwhile: the same_time guard), carried on.
        # A marker refused (not one the page wrote): the page's own now, as the panel gives it after a refusal.
        "send_seen": last_quote_sent_id(inquiry) if form.has_error("seen") else request.POST.get("seen", "")[:20],
        "back_suffix": back_suffix(request_back(request)),
    }
    if partial_wanted(request):
        if quote.status != Quote.Status.DRAFT:
            # No send form on the panel any more: the panel as it is now, the reason at the top of the quote.
            notices = [PanelNotice(quote.pk, error, error=True) for error in errors]
            response = _panel(request, inquiry, landing=f"quote-{quote.pk}", notices=notices, status=409)
            # In place of her whole panel, not of the send form the preview was asked from (its hx-target).
            response["HX-Retarget"] = "#quotes-panel"
            response["HX-Reswap"] = "outerHTML"
            return response
        context |= {"preview": preview, "preview_errors": errors, "send_invalid": invalid}
        return render(request, "backoffice/quotes/_send_form.html", context, status=422 if errors else 200)
    if errors:
        keep_markers = not form.has_error("seen")
        mail_refused(
            request.session, quote_id=quote.pk, form=SEND, data=request.POST, invalid=invalid, keep_markers=keep_markers
        )
        return _fail(request, quote, errors)
    return render(
        request, "backoffice/quotes/send_preview.html", context | {"preview": preview, "active_menu": "inquiries"}
    )


@school_view()
@require_POST
def quote_send_view(request: SchoolRequest, quote_id: int) -> HttpResponse:
    quote = _quote_or_404(request, quote_id)
    form = SendQuoteForm(request.POST)
    if not form.is_valid():
        if form.marker_refused():
            # Her text waits; the panel gives the marker anew, so that sending again, once she has read it, sends.
            mail_refused(request.session, quote_id=quote.pk, form=SEND, data=request.POST, keep_markers=False)
            return _fail(request, quote, [str(SEND_SEEN_INVALID)])
        mail_refused(request.session, quote_id=quote.pk, form=SEND, data=request.POST, invalid=_invalid_fields(form))
        return _fail(request, quote, _form_errors(form))
    data = form.cleaned_data
    try:
        quote_send(
            school=request.school,
            actor=request.user,
            quote_id=quote.pk,
            subject=data["subject"],
            body=data["body"],
            seen_sent_id=data.get("seen"),
        )
    except ValidationError as error:
        if any(item.code == "already_sent" for item in error.error_list):
            # A second click: nothing more to do, nothing of hers lost.
            messages.info(request, error.messages[0])
            return _back(request, quote)
        if _conflict(error):
            mail_refused(request.session, quote_id=quote.pk, form=SEND, data=request.POST, keep_markers=False)
            return _stopped(request, quote, error)
        invalid = _texts_refused(data, MailKind.QUOTE)
        mail_refused(request.session, quote_id=quote.pk, form=SEND, data=request.POST, invalid=invalid)
        return _fail(request, quote, error.messages)
    messages.success(request, _("The quote is on its way to %(email)s.") % {"email": quote.inquiry.email})
    return _back(request, quote)


@school_view()
@require_POST
def quote_status_view(request: SchoolRequest, quote_id: int) -> HttpResponse:
    """Remind the client of a sent quote, reopen it to change it, or cancel it."""
    quote = _quote_or_404(request, quote_id)
    action = request.POST.get("action")
    service = {"remind": quote_remind, "reopen": quote_reopen, "cancel": quote_cancel}.get(action or "")
    if service is None:
        return _fail(request, quote, [_("Unknown action.")])
    try:
        service(school=request.school, actor=request.user, quote_id=quote.pk)
    except ValidationError as error:
        return _fail(request, quote, error.messages)
    done = {
        "remind": _("The reminder is on its way to %(email)s."),
        "reopen": _("Quote %(number)s is a draft again: its links no longer work. Change it, then send it again."),
        "cancel": _("Quote %(number)s is cancelled."),
    }[action or ""]
    messages.success(request, done % {"email": quote.inquiry.email, "number": quote.number})
    return _back(request, quote)


@school_view()
@require_GET
def quote_pdf_view(request: SchoolRequest, quote_id: int) -> HttpResponse:
    quote = _quote_or_404(request, quote_id)
    response = HttpResponse(quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quote.number}.pdf"'
    return response


@school_view()
@require_POST
def payment_request_view(request: SchoolRequest, quote_id: int) -> HttpResponse:
    quote = _quote_or_404(request, quote_id)
    form = PaymentRequestForm(request.POST)
    if not form.is_valid() and form.marker_refused():
        mail_refused(request.session, quote_id=quote.pk, form=PAYMENT, data=request.POST, keep_markers=False)
        return _fail(request, quote, [str(PAYMENT_SEEN_INVALID)])
    if not form.is_valid():
        mail_refused(request.session, quote_id=quote.pk, form=PAYMENT, data=request.POST, invalid=_invalid_fields(form))
        return _fail(request, quote, _form_errors(form))
    data = form.cleaned_data
    try:
        payment_request = payment_request_send(
            school=request.school,
            actor=request.user,
            quote_id=quote.pk,
            kind=data["kind"],
            percentage=data.get("percentage"),
            amount=data.get("amount"),
            valid_days=data["valid_days"],
            subject=data["subject"],
            body=data["body"],
            replaces=data.get("replaces"),
            seen_version=data.get("version"),
        )
    except ValidationError as error:
        if _conflict(error):
            mail_refused(request.session, quote_id=quote.pk, form=PAYMENT, data=request.POST, keep_markers=False)
            return _stopped(request, quote, error)
        mail_refused(
            request.session,
            quote_id=quote.pk,
            form=PAYMENT,
            data=request.POST,
            invalid=_payment_invalid_fields(error, data),
        )
        return _fail(request, quote, error.messages)
    replaced = (
        PaymentRequest.objects.for_school(request.school).filter(pk=data["replaces"], quote=quote).first()
        if data.get("replaces")
        else None
    )
    done = (
        _("The payment request %(reference)s is on its way to %(email)s; %(replaced)s no longer works.")
        if replaced
        else _("The payment request %(reference)s is on its way to %(email)s.")
    )
    messages.success(
        request,
        done
        % {
            "reference": payment_request.reference,
            "email": quote.inquiry.email,
            "replaced": replaced.reference if replaced else "",
        },
    )
    return _back(request, quote)


@school_view()
@require_POST
def payment_request_action_view(request: SchoolRequest, payment_request_id: int) -> HttpResponse:
    """Remind the client, cancel the request, or record the bank transfer received."""
    payment_request = (
        PaymentRequest.objects.for_school(request.school)
        .select_related("quote__inquiry")
        .filter(pk=payment_request_id)
        .first()
    )
    if payment_request is None:
        raise Http404
    quote = payment_request.quote
    action = request.POST.get("action")
    try:
        if action == "remind":
            payment_request_remind(school=request.school, actor=request.user, payment_request_id=payment_request.pk)
            messages.success(request, _("The reminder is on its way."))
        elif action == "cancel":
            payment_request_cancel(school=request.school, actor=request.user, payment_request_id=payment_request.pk)
            messages.success(
                request,
                _("The payment request %(reference)s is cancelled: its link no longer works.")
                % {"reference": payment_request.reference},
            )
        elif action == "transfer":
            form = TransferReceivedForm(request.POST)
            if not form.is_valid():
                return _fail(request, quote, _form_errors(form))
            payment_record(
                school=request.school,
                payment_request_id=payment_request.pk,
                provider=Payment.Provider.BANK_TRANSFER,
                provider_reference=form.cleaned_data["bank_reference"],
                amount=payment_request.amount,
                actor=request.user,
                received_at=timezone.make_aware(datetime.combine(form.cleaned_data["received_on"], time(12))),
            )
            messages.success(request, _("The transfer is recorded."))
        else:
            return _fail(request, quote, [_("Unknown action.")])
    except ValidationError as error:
        return _fail(request, quote, error.messages)
    except PaymentRefused:
        return _fail(request, quote, [_("This request can no longer be paid: the quote changed or it was replaced.")])
    return _back(request, quote)
