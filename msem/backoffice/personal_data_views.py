"""Paramètres → Données personnelles: a manager finds, exports or erases one client's data.

Everything goes by POST: the client's address must not end up in an
address bar, a proxy's log or the browser's history.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from msem.backoffice.access import SchoolRequest, school_view
from msem.personal_data.selectors import client_records
from msem.personal_data.services import client_data_erase, client_data_export_record
from msem.validators import E_MAIL_INVALID


class ClientForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("The client's e-mail address"),
        max_length=254,
        error_messages={"invalid": E_MAIL_INVALID},
    )
    confirm = forms.BooleanField(
        required=False,
        label=gettext_lazy("I confirm: erase this client's personal data. This cannot be undone."),
    )


@school_view(managers_only=True)
@require_http_methods(["GET", "POST"])
def personal_data_view(request: SchoolRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, ClientForm())
    form = ClientForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    email = form.cleaned_data["email"]
    action = request.POST.get("action", "find")
    if action == "export":
        return _export(request, email)
    if action == "erase":
        if not form.cleaned_data["confirm"]:
            form.add_error("confirm", _("Tick the box to confirm the erasure."))
            return _page(request, form, records=client_records(school=request.school, email=email), status=400)
        erasure = client_data_erase(school=request.school, actor=request.user, email=email)
        messages.success(request, _erased_summary(erasure.references, erasure.counts))
        if erasure.sales_kept:
            messages.info(
                request,
                ngettext(
                    "%(count)d sale kept with the client's name: an accounting record the school must keep.",
                    "%(count)d sales kept with the client's name: accounting records the school must keep.",
                    erasure.sales_kept,
                )
                % {"count": erasure.sales_kept},
            )
        return redirect("backoffice:personal_data", school_slug=request.school.slug)
    return _page(request, form, records=client_records(school=request.school, email=email))


def _erased_summary(references: list[str], counts: dict[str, int]) -> str:
    """ "Erased: 1 dossier, 3 e-mails, 0 quarantined requests.": each count with its noun agreed, not "dossier(s)"."""
    dossiers, emails, held = len(references), counts["emails"], counts["quarantined"]
    parts = [
        ngettext("%(count)d dossier", "%(count)d dossiers", dossiers) % {"count": dossiers},
        ngettext("%(count)d e-mail", "%(count)d e-mails", emails) % {"count": emails},
        ngettext("%(count)d quarantined request", "%(count)d quarantined requests", held) % {"count": held},
    ]
    return _("Erased: %(what)s.") % {"what": ", ".join(parts)}


def _page(request: SchoolRequest, form: ClientForm, *, records: object = None, status: int = 200) -> HttpResponse:
    context = {"active_menu": "personal_data", "form": form, "records": records}
    return render(request, "backoffice/settings/personal_data.html", context, status=status)


def _export(request: SchoolRequest, email: str) -> HttpResponse:
    document = client_data_export_record(school=request.school, actor=request.user, email=email)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    filename = f"msem-{request.school.slug}-client-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
