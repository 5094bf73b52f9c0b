"""GESTION COMMERCIALE → Paramètres: the settings page, its previews and its history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from msem.audit.models import AuditRecord
from msem.audit.selectors import audit_records_for_school
from msem.backoffice.access import SchoolRequest, school_view
from msem.backoffice.settings_forms import LANGUAGES, CatalogCodeCheckForm, MailTextsForm, SettingsPageForms
from msem.backoffice.team_history import member_change
from msem.catalog.selectors import catalogs_live
from msem.commercial_settings.changes import platform_changes, settings_changes
from msem.commercial_settings.selectors import CatalogUse, catalogs_use
from msem.commercial_settings.services import SettingsConflict, commercial_settings_save
from msem.connector4807.gateway import gateway_configured
from msem.connector4807.services import CodeCheck, catalog_code_check
from msem.inquiries.selectors import categories_live, subjects_live
from msem.mailing.client_mail import subject_naming_the_quote
from msem.mailing.composition import mail_compose
from msem.mailing.models import KINDS_WITH_SUBJECT_LINE, MailKind
from msem.mailing.placeholders import ALLOWED_BY_KIND, PLACEHOLDERS, example_values, fill_placeholders
from msem.mailing.selectors import mail_templates_by_kind_and_language
from msem.mailing.services import test_email_queue
from msem.payments.means import payment_means
from msem.platform.labels import labelled
from msem.public_site.embedding import contact_form_embeddings, subject_forms


def _initial(request: SchoolRequest) -> dict[str, Any]:
    school = request.school
    return {
        "settings_version": school.settings_version,
        "subjects": [
            {"id": s.pk, "label_fr": s.label_fr, "label_en": s.label_en, "email": s.email}
            for s in subjects_live(school=school)
        ],
        "mail_texts": MailTextsForm.initial_from(mail_templates_by_kind_and_language(school=school)),
        "categories": [
            {"id": c.pk, "code": c.code, "label_fr": c.label_fr, "label_en": c.label_en}
            for c in categories_live(school=school)
        ],
        "catalog_codes": [c.code for c in catalogs_live(school=school)],
    }


def _mail_rows(page: SettingsPageForms, *, clients_cannot_pay: bool) -> list[dict[str, Any]]:
    form = page.mail_texts
    rows = []
    for kind, label in MailKind.choices:
        rows.append(
            {
                "kind": kind,
                "label": label,
                "previewable": kind != MailKind.SIGNATURE,
                "placeholders": ["{%s}" % name for name in ALLOWED_BY_KIND[kind]],
                # Said next to the text, so that the number at the end of a subject line surprises nobody.
                "subject_note": _(
                    "The subject line always gives the quote's number: without {quote_number}, it is added at the end."
                )
                if kind == MailKind.PAYMENT_REQUEST
                else "",
                # Said while she sets her school up, not first when a client asks how to pay.
                "warning": _(
                    "Your clients cannot pay your payment requests yet: card payment is not set up on the "
                    "platform and your school's bank details (IBAN) are missing, so the payment page will only ask "
                    "them to contact you. The platform's administrators add your bank details: write to them."
                )
                if kind == MailKind.PAYMENT_REQUEST and clients_cannot_pay
                else "",
                "languages": [
                    {
                        "code": language,
                        "subject": form[f"{kind}_{language}_subject"] if kind in KINDS_WITH_SUBJECT_LINE else None,
                        "body": form[f"{kind}_{language}_body"],
                    }
                    for language in LANGUAGES
                ],
            }
        )
    return rows


def _catalog_use_texts(code: str, use: CatalogUse | None) -> dict[str, str]:
    """What a catalog's chip says of its use, and the question asked before removing it (none if unused)."""
    if use is None or not use.in_use:
        return {}
    uses = []
    if use.open_quotes:
        uses.append(
            ngettext("%(count)d quote in progress", "%(count)d quotes in progress", use.open_quotes)
            % {"count": use.open_quotes}
        )
    if use.drafts:
        drafts = ngettext("%(count)d of them a draft", "%(count)d of them drafts", use.drafts)
        uses.append(drafts % {"count": use.drafts})
    if use.sales:
        uses.append(ngettext("%(count)d sale", "%(count)d sales", use.sales) % {"count": use.sales})
    listed = ", ".join(uses)
    return {
        "use_label": _("In use: %(uses)s") % {"uses": listed},
        "confirm_removal": _(
            "Remove the catalog %(code)s when the page is saved? In use: %(uses)s. These quotes and sales stay "
            "as they are, with their prices and the catalog's code, and the lines of a draft can still be "
            "changed; but no new quote line can come from this catalog. Typing its code again brings it back "
            "with its prices."
        )
        % {"code": code, "uses": listed},
    }


def _render_page(
    request: SchoolRequest, page: SettingsPageForms, *, status: int = 200, conflict: bool = False
) -> HttpResponse:
    school = request.school
    catalogs = {c.code: c for c in catalogs_live(school=school)}
    uses = catalogs_use(school=school)
    codes = page.catalogs["catalog_codes"].value() or []
    if isinstance(codes, str):
        codes = [codes]
    examples = example_values(get_language())
    forms = subject_forms(school)
    context = {
        "active_menu": "settings",
        "page": page,
        "conflict": conflict,
        "can_edit": request.membership.is_manager,
        "mail_rows": _mail_rows(page, clients_cannot_pay=not payment_means(school=school).any),
        "footers": [
            (language, fill_placeholders(school.legal_footer(language), {"school_name": school.name}))
            for language in LANGUAGES
        ],
        "placeholders": [(p, examples[p.name]) for p in PLACEHOLDERS.values()],
        "catalog_chips": [
            {
                "code": code,
                "account_name": catalogs[code].account_name if code in catalogs else "",
                **_catalog_use_texts(code, uses.get(code)),
            }
            for code in codes
        ],
        "catalog_codes_checked": gateway_configured(),
        "form_embeddings": contact_form_embeddings(school),
        "subject_forms": forms,
        # A form without a subject cannot be sent: its language's clients would be stuck on it.
        "form_without_subject": {
            language: not any(form.url_fr if language == "fr" else form.url_en for form in forms)
            for language in LANGUAGES
        },
    }
    return render(request, "backoffice/settings/page.html", context, status=status)


@school_view()
@require_http_methods(["GET", "POST"])
def settings_view(request: SchoolRequest) -> HttpResponse:
    if request.method == "GET":
        return _render_page(request, SettingsPageForms(initial=_initial(request)))
    if not request.membership.is_manager:
        raise PermissionDenied
    page = SettingsPageForms(data=request.POST)
    if page.is_valid():
        try:
            commercial_settings_save(
                school=request.school,
                actor=request.user,
                **page.service_arguments(),
            )
        except SettingsConflict:
            return _render_page(request, page, status=409, conflict=True)
        except ValidationError as error:
            for message in error.messages:
                page.add_page_error(message)
        else:
            messages.success(request, _("The settings have been saved."))
            return redirect("backoffice:settings", school_slug=request.school.slug)
    return _render_page(request, page, status=400)


def _typed_mail(request: SchoolRequest) -> tuple[str, str, MailTextsForm, list[str]]:
    """The e-mail of the kind and language asked, from the texts as currently typed, and their errors."""
    kind = request.POST.get("preview_kind", "")
    language = request.POST.get("preview_language", "")
    form = MailTextsForm(request.POST)
    form.is_valid()
    wanted = [f"{kind}_{language}_subject", f"{kind}_{language}_body", f"signature_{language}_body"]
    errors = [labelled(form[name].label, message) for name in wanted for message in form.errors.get(name, [])]
    return kind, language, form, errors


def _is_previewable(kind: str, language: str) -> bool:
    return kind in KINDS_WITH_SUBJECT_LINE and language in LANGUAGES


@school_view()
@require_POST
def settings_preview_view(request: SchoolRequest) -> HttpResponse:
    """The composed e-mail (text + signature + footer) from the texts as currently typed."""
    kind, language, form, errors = _typed_mail(request)
    if not _is_previewable(kind, language):
        return render(request, "backoffice/settings/_preview.html", {"error": _("Unknown e-mail.")}, status=400)
    context: dict[str, Any] = {"kind_label": MailKind(kind).label, "language": language, "errors": errors}
    if not errors:
        school = request.school
        subject = form.cleaned_data[f"{kind}_{language}_subject"]
        examples = example_values(language)
        if kind == MailKind.PAYMENT_REQUEST:
            # As the client will read it (school_mail_compose does the same when it is sent).
            subject = subject_naming_the_quote(subject, language=language, quote_number=examples["quote_number"])
        context["mail"] = mail_compose(
            subject=subject,
            body=form.cleaned_data[f"{kind}_{language}_body"],
            signature=form.cleaned_data[f"signature_{language}_body"],
            footer=school.legal_footer(language),
            values=examples | {"school_name": school.name},
            language=language,
        )
    return render(request, "backoffice/settings/_preview.html", context)


@school_view(managers_only=True)
@require_POST
def settings_test_email_view(request: SchoolRequest) -> HttpResponse:
    """ "Send me a test e-mail": the e-mail as typed goes to the person asking, through the outbox."""
    kind, language, form, errors = _typed_mail(request)
    if not _is_previewable(kind, language):
        return render(request, "backoffice/settings/_preview.html", {"error": _("Unknown e-mail.")}, status=400)
    context: dict[str, Any] = {"kind_label": MailKind(kind).label, "language": language, "errors": errors}
    if not errors:
        context["test_email"] = test_email_queue(
            school=request.school,
            recipient=request.user.email,
            kind=kind,
            language=language,
            subject=form.cleaned_data[f"{kind}_{language}_subject"],
            body=form.cleaned_data[f"{kind}_{language}_body"],
            signature=form.cleaned_data[f"signature_{language}_body"],
        )
    return render(request, "backoffice/settings/_test_email.html", context)


@school_view()
@require_POST
def catalog_code_check_view(request: SchoolRequest) -> HttpResponse:
    """Enter in the catalog code input: a chip for a well-formed new code, or the reason it is refused."""
    form = CatalogCodeCheckForm(request.POST)
    if form.is_valid():
        code = form.cleaned_data["new_catalog_code"]
        check = catalog_code_check(school=request.school, code=code)
        if check.status != CodeCheck.UNKNOWN:
            chip = {"code": code, "account_name": check.account_name, "check": check.status}
            return render(request, "backoffice/settings/_catalog_chip.html", {"chip": chip, "is_new": True})
        errors = [
            _("4807 does not know the code %(code)s: check it, or create the catalog in 4807 first.") % {"code": code}
        ]
    else:
        found = form.errors.get("new_catalog_code") or form.errors.get("catalog_codes")
        errors = [str(error) for error in found] if found else [_("Invalid code.")]
    response = render(request, "backoffice/settings/_catalog_error.html", {"errors": errors}, status=200)
    # htmx: put the error next to the input instead of adding a chip.
    response["HX-Retarget"] = "#catalog-code-error"
    response["HX-Reswap"] = "innerHTML"
    return response


@school_view(managers_only=True)
@require_GET
def settings_history_view(request: SchoolRequest) -> HttpResponse:
    records = Paginator(audit_records_for_school(school=request.school), 20)
    page = records.get_page(request.GET.get("page"))
    # A client's data exported or erased is on this page too: what the record says is which dossiers, not a diff.
    entries = [
        (
            record,
            settings_changes(record.before, record.after)
            if record.action == AuditRecord.Action.SETTINGS_SAVED
            else platform_changes(record.before, record.after)
            if record.action == AuditRecord.Action.SCHOOL_CHANGED_BY_PLATFORM
            else None,
            member_change(record),
        )
        for record in page
    ]
    return render(
        request,
        "backoffice/settings/history.html",
        {"active_menu": "settings", "page_obj": page, "entries": entries},
    )
