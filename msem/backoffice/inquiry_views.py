"""GESTION COMMERCIALE → Demandes: the inbox, its saved filters, its export, and the dossier page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_POST

from msem.backoffice.access import SchoolRequest, school_view
from msem.backoffice.htmx import partial_wanted
from msem.backoffice.inbox_choices import search_choices
from msem.backoffice.inbox_forms import (
    SEEN_INVALID,
    ClientEmailForm,
    InboxFilterForm,
    MergeForm,
    NoteForm,
    PanelForm,
    ReplyForm,
    SaveViewForm,
    translated_label,
)
from msem.backoffice.inbox_return import (
    EXPLICIT,
    VIEW,
    back_query,
    back_suffix,
    criteria_query,
    inbox_return_url,
    request_back,
)
from msem.backoffice.inbox_rows import inbox_rows_html
from msem.backoffice.inbox_search import search_widgets
from msem.backoffice.inbox_steps import dossier_steps
from msem.backoffice.refused_emails import failed_emails
from msem.backoffice.spreadsheet_cells import spreadsheet_safe
from msem.inquiries.dossier import (
    DossierConflict,
    inquiries_archive,
    inquiries_take,
    inquiry_client_email_correct,
    inquiry_email_resend,
    inquiry_merge,
    inquiry_note_add,
    inquiry_panel_update,
    inquiry_reply,
    inquiry_take,
)
from msem.inquiries.inbox import Archived, archived_matches, inbox_page, inbox_queryset, open_duplicates
from msem.inquiries.models import Inquiry
from msem.inquiries.saved_filters import (
    inbox_default_filter,
    inbox_default_save,
    inbox_default_set,
    saved_filter_delete,
    saved_filter_name_shown,
    saved_filter_save,
    saved_filters_visible,
    saved_view_shown,
    saved_views_listed,
)
from msem.inquiries.selectors import (
    inquiry_by_reference,
    inquiry_timeline,
    last_client_answer_id,
    same_address_open_dossiers,
)


def _inbox_url(request: SchoolRequest, query: str = "") -> str:
    base = reverse("backoffice:inquiries", kwargs={"school_slug": request.school.slug})
    return f"{base}?{query}" if query else base


def _with_view(query: str, view: int) -> str:
    """The list's query string as she left it, now naming the view she saved (in place of any other)."""
    params = QueryDict(query, mutable=True)
    params[VIEW] = str(view)
    return params.urlencode()


def _chosen_view(request: SchoolRequest) -> int | None:
    value = request.GET.get(VIEW, "")
    return int(value) if value.isdigit() else None


@school_view()
@require_GET
def inquiries_view(request: SchoolRequest) -> HttpResponse:
    school, user = request.school, request.user
    if not request.GET:
        default = inbox_default_filter(school=school, user=user)
        if default is not None:
            return redirect(_inbox_url(request, criteria_query(default.criteria, view=default.pk)))
    choices = search_choices(school=school)
    form = InboxFilterForm(request.GET, school=school, user=user, choices=choices)
    status = 200
    page = None
    archived = Archived.NO
    in_archive = 0
    if form.is_valid():
        criteria = form.criteria()
        archived = criteria.archived
        page = inbox_page(
            school=school,
            criteria=criteria,
            after=form.cleaned_data.get("after"),
            labels=choices.row_labels(),
        )
        if not page.rows:
            in_archive = archived_matches(school=school, criteria=criteria)
    else:
        status = 400
    saved_filters = saved_views_listed(school=school, user=user)
    context = {
        "active_menu": "inquiries",
        "form": form,
        "page": page,
        # Only the bulk buttons that can change something on this list: archiving archived dossiers does nothing.
        "can_archive": archived != Archived.YES,
        "can_unarchive": archived != Archived.NO,
        # The plain list (no default view, nothing chosen) is her list too: its rows carry it, as "every dossier".
        "rows_html": inbox_rows_html(
            page.rows, school_slug=school.slug, back=back_query(request.GET.urlencode()) or f"{EXPLICIT}=1"
        )
        if page
        else "",
        "query": request.GET.urlencode(),
        "next_query": _next_query(request, page),
        "first_query": _first_query(request),
        "saved_filters": saved_filters,
        "default_filter": next((view for view in saved_filters if view.is_default), None),
        # Named above the list only when the list is that view: not for a search of the moment.
        "shown_view": saved_view_shown(saved_filters, form.active_criteria(), _chosen_view(request)) if page else None,
        "save_view_form": SaveViewForm(),
        "in_archive": in_archive,
        "in_archive_query": _with_archived_query(request) if in_archive else "",
    }
    partial = partial_wanted(request)
    if not partial:
        context["quarantined_count"] = choices.quarantined
        context["widgets"] = search_widgets(form)
    template = "backoffice/inquiries/_results.html" if partial else "backoffice/inquiries/list.html"
    response = render(request, template, context, status=status)
    response["Vary"] = "HX-Request, Cookie"
    return response


def _with_archived_query(request: SchoolRequest) -> str:
    """The same search, archived dossiers included."""
    query = request.GET.copy()
    query.pop("after", None)
    query.pop(VIEW, None)
    query[EXPLICIT] = "1"
    query["archived"] = Archived.ALL
    return query.urlencode()


def _next_query(request: SchoolRequest, page: Any) -> str:
    if page is None or page.next_cursor is None:
        return ""
    query = request.GET.copy()
    query[EXPLICIT] = "1"
    query["after"] = page.next_cursor.encode()
    return query.urlencode()


def _first_query(request: SchoolRequest) -> str:
    """The same criteria from the first page; empty when already on it."""
    if "after" not in request.GET:
        return ""
    query = request.GET.copy()
    del query["after"]
    query[EXPLICIT] = "1"
    return query.urlencode()


def _back_to_inbox(request: SchoolRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(_inbox_url(request))


def _ticked_ids(request: SchoolRequest) -> list[int]:
    return [int(value) for value in request.POST.getlist("ids") if value.isdigit()]


@school_view()
@require_POST
def inquiries_archive_view(request: SchoolRequest) -> HttpResponse:
    """Archive (or take out of the archive) the dossiers ticked in the list."""
    ids = _ticked_ids(request)
    archive = request.POST.get("action", "archive") != "unarchive"
    if not ids:
        messages.error(request, _("Tick the requests to archive first."))
        return _back_to_inbox(request)
    count = inquiries_archive(school=request.school, actor=request.user, inquiry_ids=ids, archive=archive)
    if archive:
        message = ngettext("%(count)d request archived.", "%(count)d requests archived.", count)
    else:
        message = ngettext(
            "%(count)d request taken out of the archive.", "%(count)d requests taken out of the archive.", count
        )
    messages.success(request, message % {"count": count})
    return _back_to_inbox(request)


@school_view()
@require_POST
def inquiries_take_view(request: SchoolRequest) -> HttpResponse:
    """ "I'll take the selection": the ticked dossiers nobody has become hers."""
    ids = _ticked_ids(request)
    if not ids:
        messages.error(request, _("Tick the requests to take first."))
        return _back_to_inbox(request)
    selection = inquiries_take(school=request.school, actor=request.user, inquiry_ids=ids)
    if selection.taken:
        messages.success(
            request,
            ngettext("%(count)d request is now yours.", "%(count)d requests are now yours.", selection.taken)
            % {"count": selection.taken},
        )
    if selection.someone_elses:
        messages.info(
            request,
            ngettext(
                "%(count)d request already had someone: left as it was.",
                "%(count)d requests already had someone: left as they were.",
                selection.someone_elses,
            )
            % {"count": selection.someone_elses},
        )
    if not selection.taken and not selection.someone_elses:
        messages.info(request, _("Nothing to take among the ticked requests: they are yours already, or archived."))
    return _back_to_inbox(request)


@school_view()
@require_GET
def inquiries_export_view(request: SchoolRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered list as CSV, UTF-8 with a BOM so that spreadsheet programs show the accents."""
    school = request.school
    form = InboxFilterForm(request.GET, school=school, user=request.user)
    if not form.is_valid():
        return HttpResponse(_("Invalid filters."), status=400, content_type="text/plain; charset=utf-8")
    rows = inbox_queryset(school=school, criteria=form.criteria()).select_related("subject", "category", "assignee")
    name = pgettext("file name of the CSV export of the requests", "requests")
    filename = f"{name}-{school.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    # The lines are written once the view has returned: they take the request's language with them
    # rather than whatever language is active then.
    lines = _csv_lines(rows.iterator(chunk_size=500), language=translation.get_language())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_lines(rows: Iterator[Inquiry], *, language: str) -> Iterator[str]:
    with translation.override(language):
        yield from _csv_lines_in_language(rows, language=language)


def _csv_lines_in_language(rows: Iterator[Inquiry], *, language: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    headers = [
        _("Reference"),
        _("Received"),
        _("Status"),
        _("Subject"),
        _("Category"),
        _("Language"),
        _("First name"),
        _("Last name"),
        _("E-mail"),
        _("Phone"),
        _("Arrival date"),
        _("Departure date"),
        _("Participants"),
        _("Assigned to"),
        pgettext("CSV column: whether the request is archived", "Archived"),
        _("Message"),
    ]
    writer.writerow(headers)
    yield "\ufeff" + buffer.getvalue()
    for inquiry in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            [
                spreadsheet_safe(value)
                for value in (
                    inquiry.reference,
                    timezone.localtime(inquiry.received_at).strftime("%Y-%m-%d %H:%M"),
                    inquiry.get_status_display(),
                    translated_label(inquiry.subject, language),
                    translated_label(inquiry.category, language) if inquiry.category else "",
                    inquiry.language,
                    inquiry.first_name,
                    inquiry.last_name,
                    inquiry.email,
                    inquiry.phone,
                    inquiry.arrival_date or "",
                    inquiry.departure_date or "",
                    inquiry.participants or "",
                    inquiry.assignee or "",
                    _("yes") if inquiry.archived_at else _("no"),
                    inquiry.message,
                )
            ]
        )
        yield buffer.getvalue()


@school_view()
@require_POST
def inbox_default_save_view(request: SchoolRequest) -> HttpResponse:
    """Her "Save these filters as my default" (the Views menu): the current criteria become this secretary's default."""
    school, user = request.school, request.user
    form = InboxFilterForm(QueryDict(request.POST.get("query", "")), school=school, user=user)
    if not form.is_valid():
        messages.error(request, _("These filters are not valid and were not saved."))
        return redirect(_inbox_url(request))
    saved = inbox_default_save(school=school, owner=user, criteria=form.active_criteria())
    messages.success(request, _("These filters are now your default: they apply each time you open the requests."))
    return redirect(_inbox_url(request, _with_view(request.POST.get("query", ""), saved.pk)))


@school_view()
@require_POST
def inbox_default_reset_view(request: SchoolRequest) -> HttpResponse:
    inbox_default_set(school=request.school, user=request.user, saved_filter=None)
    messages.success(request, _("You no longer have default filters."))
    return redirect(_inbox_url(request, f"{EXPLICIT}=1"))


@school_view()
@require_POST
def saved_view_save_view(request: SchoolRequest) -> HttpResponse:
    school, user = request.school, request.user
    query = request.POST.get("query", "")
    filters = InboxFilterForm(QueryDict(query), school=school, user=user)
    form = SaveViewForm(request.POST)
    if not (filters.is_valid() and form.is_valid()):
        messages.error(request, _("Give the view a name (80 characters at most)."))
        return redirect(_inbox_url(request, query))
    try:
        saved = saved_filter_save(
            school=school,
            owner=user,
            name=form.cleaned_data["name"],
            criteria=filters.active_criteria(),
            shared=form.cleaned_data["shared"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The view “%(name)s” is saved.") % {"name": form.cleaned_data["name"]})
        # The list is now that view: named so, even when another view (her default) has the same criteria.
        query = _with_view(query, saved.pk)
    return redirect(_inbox_url(request, query))


@school_view()
@require_POST
def saved_view_action_view(request: SchoolRequest, view_id: int) -> HttpResponse:
    """Make a view the default, or delete one's own view."""
    school, user = request.school, request.user
    saved = saved_filters_visible(school=school, user=user).filter(pk=view_id).first()
    if saved is None:
        raise Http404
    if request.POST.get("action") == "delete":
        try:
            saved_filter_delete(school=school, owner=user, saved_filter_id=saved.pk)
        except ValidationError:
            raise Http404 from None
        messages.success(request, _("The view “%(name)s” is deleted.") % {"name": saved_filter_name_shown(saved.name)})
        return redirect(_inbox_url(request, f"{EXPLICIT}=1"))
    inbox_default_set(school=school, user=user, saved_filter=saved)
    messages.success(request, _("“%(name)s” is now your default view.") % {"name": saved_filter_name_shown(saved.name)})
    return redirect(_inbox_url(request, criteria_query(saved.criteria, view=saved.pk)))


# --- The dossier page ---------------------------------------------------------------


def _inquiry_or_404(request: SchoolRequest, reference: str) -> Inquiry:
    inquiry = inquiry_by_reference(school=request.school, reference=reference)
    if inquiry is None:
        raise Http404
    return inquiry


def _render_dossier(request: SchoolRequest, inquiry: Inquiry, *, status: int = 200, **forms: Any) -> HttpResponse:
    back = request_back(request)
    page_url = reverse(
        "backoffice:inquiry", kwargs={"school_slug": request.school.slug, "reference": inquiry.reference}
    )
    # One read of the school's categories, subjects and staff, for the Dossier panel and her list's criteria.
    choices = search_choices(school=request.school)
    previous_step, next_step = dossier_steps(
        school=request.school, user=request.user, inquiry=inquiry, back=back, choices=choices
    )
    context = {
        "active_menu": "inquiries",
        "inquiry": inquiry,
        "inbox_url": inbox_return_url(school_slug=request.school.slug, back=back),
        "back_suffix": back_suffix(back),
        # A refused form is answered at its POST-only address (…/panel/, …/reply/): the page puts the
        # dossier's own address in the address bar, so that reloading shows the dossier, not a 405.
        "page_url": page_url + back_suffix(back) if request.method == "POST" else "",
        "timeline": inquiry_timeline(inquiry=inquiry),
        "duplicates": list(open_duplicates(inquiry=inquiry)[:5]) if not inquiry.merged_into_id else [],
        "previous_step": previous_step,
        "next_step": next_step,
        "panel_form": forms.get("panel_form") or PanelForm(inquiry=inquiry, choices=choices),
        "note_form": forms.get("note_form") or NoteForm(),
        "reply_form": forms.get("reply_form") or ReplyForm(initial=ReplyForm.initial_for(inquiry)),
        "client_email_form": forms.get("client_email_form") or ClientEmailForm(initial={"email": inquiry.email}),
        "same_address_dossiers": _same_address_dossiers(inquiry),
        "failed_emails": failed_emails(inquiry),
        "page_errors": forms.get("page_errors", []),
    }
    return render(request, "backoffice/inquiries/detail.html", context, status=status)


def dossier_refused(request: SchoolRequest, inquiry: Inquiry, *, status: int, errors: list[str]) -> HttpResponse:
    """The dossier page as it is now, a form of it refused (its POST address): why, at the top of the page."""
    return _render_dossier(request, inquiry, status=status, page_errors=errors)


def _same_address_dossiers(inquiry: Inquiry) -> list[str]:
    """The references of the client's other open dossiers at this address: the correction may fix them too."""
    if inquiry.personal_data_erased_at is not None:
        return []
    return list(same_address_open_dossiers(inquiry).values_list("reference", flat=True))


def _back_to_dossier(request: SchoolRequest, inquiry: Inquiry, section: str = "") -> HttpResponse:
    """The dossier page again, with the way back to the inbox it was opened from.

    At the section that was just used (``#dossier-panel``, ``#reply``, ``#timeline``): the page puts
    the message there and the keyboard on it (backoffice.js), rather than back at the top of the page,
    a dozen Tabs away from where she was.
    """
    url = reverse("backoffice:inquiry", kwargs={"school_slug": inquiry.school.slug, "reference": inquiry.reference})
    return redirect(url + back_suffix(request_back(request)) + (f"#{section}" if section else ""))


@school_view()
@require_GET
def inquiry_view(request: SchoolRequest, reference: str) -> HttpResponse:
    return _render_dossier(request, _inquiry_or_404(request, reference))


@school_view()
@require_POST
def inquiry_panel_view(request: SchoolRequest, reference: str) -> HttpResponse:
    inquiry = _inquiry_or_404(request, reference)
    form = PanelForm(request.POST, inquiry=inquiry)
    if not form.is_valid():
        return _render_dossier(request, inquiry, status=400, panel_form=form)
    try:
        inquiry_panel_update(
            school=request.school,
            actor=request.user,
            inquiry_id=inquiry.pk,
            expected_version=form.cleaned_data["version"],
            change=form.change(),
        )
    except DossierConflict:
        fresh = _inquiry_or_404(request, reference)
        message = _(
            "Someone else changed this dossier while you were looking at it. Nothing was saved: "
            "here it is as it is now; make your change again if it is still needed."
        )
        return _render_dossier(request, fresh, status=409, page_errors=[message])
    except ValidationError as error:
        return _render_dossier(request, inquiry, status=400, panel_form=form, page_errors=error.messages)
    messages.success(request, _("The dossier is saved."))
    return _back_to_dossier(request, inquiry, "dossier-panel")


@school_view()
@require_POST
def inquiry_take_view(request: SchoolRequest, reference: str) -> HttpResponse:
    inquiry = _inquiry_or_404(request, reference)
    try:
        inquiry_take(school=request.school, actor=request.user, inquiry_id=inquiry.pk)
    except ValidationError as error:
        return _render_dossier(request, _inquiry_or_404(request, reference), status=409, page_errors=error.messages)
    messages.success(request, _("The dossier is yours."))
    return _back_to_dossier(request, inquiry, "dossier-panel")


@school_view()
@require_POST
def inquiry_note_view(request: SchoolRequest, reference: str) -> HttpResponse:
    inquiry = _inquiry_or_404(request, reference)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _render_dossier(request, inquiry, status=400, note_form=form)
    inquiry_note_add(school=request.school, actor=request.user, inquiry_id=inquiry.pk, text=form.cleaned_data["text"])
    messages.success(request, _("The note is added."))
    return _back_to_dossier(request, inquiry, "timeline")


def _reply_form_seeing(request: SchoolRequest, inquiry: Inquiry, error: ValidationError | str) -> ReplyForm:
    """Her answer as she wrote it, marked with the last answer to the client the page now shows, and why it waits."""
    data = request.POST.copy()
    data["seen"] = str(last_client_answer_id(inquiry))
    form = ReplyForm(data)
    form.is_valid()
    form.add_error(None, error)
    return form


@school_view()
@require_POST
def inquiry_reply_view(request: SchoolRequest, reference: str) -> HttpResponse:
    inquiry = _inquiry_or_404(request, reference)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        if form.seen_refused():
            # Her text stays; the form now carries the page's true marker, so that sending it again,
            # once she has read the timeline the page shows, sends it.
            form = _reply_form_seeing(request, inquiry, str(SEEN_INVALID))
        return _render_dossier(request, inquiry, status=400, reply_form=form)
    try:
        inquiry_reply(
            school=request.school,
            actor=request.user,
            inquiry_id=inquiry.pk,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            seen_answer_id=form.cleaned_data["seen"],
        )
    except ValidationError as error:
        if error.code == "answered_meanwhile":
            # Her text stays in the form, now knowing of the colleague's e-mail: sending it again sends it.
            form = _reply_form_seeing(request, inquiry, error)
            return _render_dossier(request, _inquiry_or_404(request, reference), status=409, reply_form=form)
        for message in error.messages:
            form.add_error("body", message)
        return _render_dossier(request, inquiry, status=400, reply_form=form)
    messages.success(request, _("Your answer is on its way to %(email)s.") % {"email": inquiry.email})
    return _back_to_dossier(request, inquiry, "reply")


@school_view()
@require_POST
def inquiry_archive_view(request: SchoolRequest, reference: str) -> HttpResponse:
    inquiry = _inquiry_or_404(request, reference)
    archive = request.POST.get("action", "archive") != "unarchive"
    inquiries_archive(school=request.school, actor=request.user, inquiry_ids=[inquiry.pk], archive=archive)
    messages.success(request, _("The dossier is archived.") if archive else _("The dossier is back in the inbox."))
    return _back_to_dossier(request, inquiry)


@school_view()
@require_POST
def inquiry_merge_view(request: SchoolRequest, reference: str) -> HttpResponse:
    inquiry = _inquiry_or_404(request, reference)
    form = MergeForm(request.POST)
    duplicate = _inquiry_or_404(request, form.data.get("duplicate", "")) if form.is_valid() else None
    if duplicate is None:
        raise Http404
    try:
        inquiry_merge(school=request.school, actor=request.user, target_id=inquiry.pk, duplicate_id=duplicate.pk)
    except ValidationError as error:
        return _render_dossier(request, inquiry, status=400, page_errors=error.messages)
    messages.success(request, _("%(duplicate)s is merged into this dossier.") % {"duplicate": duplicate.reference})
    return _back_to_dossier(request, inquiry)


@school_view()
@require_POST
def inquiry_client_email_view(request: SchoolRequest, reference: str) -> HttpResponse:
    """The client's address corrected, after an e-mail to her came back refused."""
    inquiry = _inquiry_or_404(request, reference)
    form = ClientEmailForm(request.POST)
    if not form.is_valid():
        return _render_dossier(request, inquiry, status=400, client_email_form=form)
    # The client's other open dossiers at the old address, as the form offered them: corrected too if she chose so.
    others = (
        list(same_address_open_dossiers(inquiry).values_list("pk", flat=True))
        if form.cleaned_data["also_others"]
        else []
    )
    try:
        corrected = inquiry_client_email_correct(
            school=request.school,
            actor=request.user,
            inquiry_id=inquiry.pk,
            email=form.cleaned_data["email"],
            other_dossier_ids=others,
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error("email", message)
        return _render_dossier(request, inquiry, status=400, client_email_form=form)
    count = len(corrected.others)
    values = {"email": corrected.inquiry.email, "count": count, "references": ", ".join(corrected.others)}
    if corrected.others:
        message = ngettext(
            "The client's address is now %(email)s, on this dossier and on %(references)s.",
            "The client's address is now %(email)s, on this dossier and on the %(count)d others: %(references)s.",
            count,
        )
    else:
        message = _("The client's address is now %(email)s.")
    messages.success(request, message % values)
    return _back_to_dossier(request, inquiry, "client")


@school_view()
@require_POST
def inquiry_email_resend_view(request: SchoolRequest, reference: str, email_id: int) -> HttpResponse:
    """A refused e-mail to the client, sent again to her address as corrected."""
    inquiry = _inquiry_or_404(request, reference)
    try:
        email = inquiry_email_resend(
            school=request.school, actor=request.user, inquiry_id=inquiry.pk, email_id=email_id
        )
    except ValidationError as error:
        return _render_dossier(request, inquiry, status=409, page_errors=error.messages)
    messages.success(request, _("The e-mail is on its way again, to %(email)s.") % {"email": email.to_email})
    return _back_to_dossier(request, inquiry, "client")
