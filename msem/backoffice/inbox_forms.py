"""The inbox's search zone and the dossier page's forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from msem.accounts.models import User
from msem.backoffice.inbox_choices import Labelled, SearchChoices, search_choices
from msem.inquiries.dossier import EMAIL_MAX_LENGTH, NOTE_MAX_LENGTH, REPLY_MAX_LENGTH, PanelChange, reply_greeting
from msem.inquiries.inbox import Archived, ArrivalCursor, Cursor, InboxCriteria, Order, cursor_fits
from msem.inquiries.models import STATUS_TRANSITIONS, Category, Inquiry, Subject
from msem.inquiries.selectors import last_client_answer_id
from msem.mailing.models import SUBJECT_LINE_MAX_LENGTH
from msem.platform.widgets import PlainCheckboxInput, PlainHiddenInput, PlainSelect, PlainTextarea, PlainTextInput
from msem.schools.models import School
from msem.validators import E_MAIL_INVALID, validate_no_control_characters, validate_single_line

# Query-string keys that are criteria (what a saved filter keeps).
CRITERIA_KEYS = (
    "category",
    "subject",
    "status",
    "assignee",
    "language",
    "received_from",
    "received_to",
    "archived",
    "q",
    "sort",
)


# "Gagnée" and "Payée" side by side in the status filter and the Dossier panel: the one she sets, the
# one the payment sets. The statuses' own labels, so that the explanation names them as the list does.
STATUS_HELP = format_lazy(
    _(
        "{won}: the client has said yes, you set it yourself. "
        "{paid}: the client has paid the whole quote, the status changes by itself."
    ),
    won=Inquiry.Status.WON.label,
    paid=Inquiry.Status.PAID.label,
)


def translated_label(item: Subject | Category | Labelled, language: str | None = None) -> str:
    """The label in the given language (the active one by default), else in the other."""
    if (language or translation.get_language()) == "en":
        return item.label_en or item.label_fr
    return item.label_fr or item.label_en


class InboxFilterForm(forms.Form):
    category = forms.MultipleChoiceField(label=_("Category"), required=False, widget=forms.CheckboxSelectMultiple)
    subject = forms.ChoiceField(label=_("Subject"), required=False)
    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=Inquiry.Status.choices,
        help_text=STATUS_HELP,
        widget=forms.CheckboxSelectMultiple,
    )
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", pgettext_lazy("inbox filter: every language", "All")), ("fr", _("French")), ("en", _("English"))],
    )
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    received_to = forms.DateField(
        label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    archived = forms.ChoiceField(
        label=_("Archived"),
        required=False,
        choices=[
            (Archived.NO, _("Not archived")),
            (Archived.YES, _("Archived only")),
            (Archived.ALL, pgettext_lazy("inbox filter: archived or not", "All")),
        ],
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        validators=[validate_single_line],
        widget=forms.SearchInput(
            attrs={"placeholder": _("Reference, name, e-mail, phone, message…"), "autocomplete": "off"}
        ),
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            (Order.NEWEST, _("Newest first")),
            (Order.OLDEST, _("Oldest first")),
            (Order.ARRIVAL, _("Soonest arrival first")),
        ],
    )
    after = forms.CharField(required=False, widget=PlainHiddenInput)

    def __init__(
        self, *args: Any, school: School, user: User, choices: SearchChoices | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.school, self.user = school, user
        if choices is None:
            choices = search_choices(school=school)
        self.categories = choices.categories
        self.fields["category"].choices = [(c.code, translated_label(c)) for c in self.categories]  # type: ignore[attr-defined]
        self.fields["subject"].choices = [("", _("All"))] + [  # type: ignore[attr-defined]
            (str(s.pk), translated_label(s)) for s in choices.subjects
        ]
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody")),
            *choices.members,
        ]

    def clean_after(self) -> Cursor | ArrivalCursor | None:
        value = self.cleaned_data.get("after")
        if not value:
            return None
        error = _("This page link is not valid: start again from the first page.")
        try:
            cursor = Cursor.decode(value)
        except ValueError as invalid:
            raise forms.ValidationError(error) from invalid
        # A next page's link of another order (the order changed in the address, a saved link): its
        # cursor says where a page of that order ended, not of this one.
        if not cursor_fits(self.cleaned_data.get("sort") or Order.NEWEST, cursor):
            raise forms.ValidationError(error)
        return cursor

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", _("The end date is before the start date."))
        return cleaned

    def criteria(self) -> InboxCriteria:
        data = self.cleaned_data
        codes = set(data.get("category") or [])
        assignee = data.get("assignee") or ""
        return InboxCriteria(
            category_ids=tuple(c.pk for c in self.categories if c.code in codes),
            subject_id=int(data["subject"]) if data.get("subject") else None,
            statuses=tuple(data.get("status") or ()),
            assignee_id=self.user.pk if assignee == "me" else int(assignee) if assignee.isdigit() else None,
            unassigned=assignee == "none",
            language=data.get("language") or "",
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            archived=data.get("archived") or Archived.NO,
            text=data.get("q") or "",
            order=data.get("sort") or Order.NEWEST,
        )

    def active_criteria(self) -> dict[str, list[str]]:
        """The criteria as given, for saving as a view (empty values left out)."""
        data: QueryDict = self.data  # type: ignore[assignment]
        return {key: [v for v in data.getlist(key) if v] for key in CRITERIA_KEYS if any(data.getlist(key))}

    @property
    def has_criteria(self) -> bool:
        return bool(self.is_bound and self.active_criteria())


class SaveViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=80, validators=[validate_single_line])
    shared = forms.BooleanField(label=_("Share with my colleagues"), required=False)


class PanelForm(forms.Form):
    """The "Dossier" panel: category, subject, assignee and status.

    Its choices come from the inbox's one query (`search_choices`): three ORM
    queries did it before, two of them through server-side cursors on
    PostgreSQL (ModelChoiceField iterates its queryset). The chosen category
    and subject are read as rows on submission only.
    """

    version = forms.IntegerField(widget=PlainHiddenInput, min_value=1)
    # msem.platform.widgets: the same markup as Django's widgets, written without a template per option.
    category = forms.ChoiceField(label=_("Category"), required=False, widget=PlainSelect)
    subject = forms.ChoiceField(label=_("Subject"), widget=PlainSelect)
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False, widget=PlainSelect)
    status = forms.ChoiceField(label=_("Status"), help_text=STATUS_HELP, widget=PlainSelect)
    forward_notification = forms.BooleanField(
        label=_("Forward the request to the new subject's address"),
        required=False,
        initial=True,
        widget=PlainCheckboxInput,
    )

    def __init__(self, *args: Any, inquiry: Inquiry, choices: SearchChoices | None = None, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "version": inquiry.version,
                "category": str(inquiry.category_id or ""),
                "subject": str(inquiry.subject_id),
                "assignee": str(inquiry.assignee_id or ""),
                "status": inquiry.status,
            },
        )
        super().__init__(*args, **kwargs)
        self.inquiry = inquiry
        if choices is None:
            choices = search_choices(school=inquiry.school)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", gettext("No category")),
            *[(str(category.pk), translated_label(category)) for category in choices.categories],
        ]
        subjects = [(str(subject.pk), translated_label(subject)) for subject in choices.subjects]
        if inquiry.subject_id not in {subject.pk for subject in choices.subjects}:
            # A subject removed since keeps its place on the dossiers that have it.
            subjects.append((str(inquiry.subject_id), translated_label(inquiry.subject)))
        self.fields["subject"].choices = subjects  # type: ignore[attr-defined]
        staff = choices.staff
        if inquiry.assignee_id is not None and inquiry.assignee_id not in choices.assignable:
            # Given the dossier before she could be one (an invitation still pending): she keeps
            # it, and the panel says so rather than "Nobody", which saving would have made true.
            staff = [*staff, (str(inquiry.assignee_id), str(inquiry.assignee))]
        self.fields["assignee"].choices = [("", _("Nobody")), *staff]  # type: ignore[attr-defined]
        # In the statuses' own order (new, in progress, waiting, won, paid, lost), the current one among them.
        allowed = {inquiry.status, *STATUS_TRANSITIONS[inquiry.status]}
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Inquiry.Status.choices if value in allowed
        ]

    def change(self) -> PanelChange:
        data = self.cleaned_data
        school, category_id, assignee_id = self.inquiry.school, data.get("category"), data.get("assignee")
        return PanelChange(
            category=Category.objects.for_school(school).get(pk=int(category_id)) if category_id else None,
            subject=Subject.objects.for_school(school).get(pk=int(data["subject"])),
            assignee=User.objects.get(pk=int(assignee_id)) if assignee_id else None,
            status=data["status"],
            forward_notification=bool(data.get("forward_notification")),
        )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        max_length=NOTE_MAX_LENGTH,
        validators=[validate_no_control_characters],
        widget=PlainTextarea(attrs={"rows": 3, "placeholder": _("Visible to the school's staff only")}),
    )


class ClientEmailForm(forms.Form):
    """The client's address, corrected on the dossier (the service checks it again)."""

    email = forms.EmailField(
        label=_("Correct address"),
        max_length=EMAIL_MAX_LENGTH,
        validators=[validate_single_line],
        error_messages={"invalid": E_MAIL_INVALID, "required": _("Write the client's correct address.")},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # Shown only when the client has other open dossiers at the same address (same_address_open_dossiers).
    also_others = forms.BooleanField(required=False)


SEEN_INVALID = _(
    "Your answer is not sent: this page no longer said which e-mails to the client you had seen. "
    "Read the timeline below, then send your answer again."
)


class ReplyForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject line"),
        max_length=SUBJECT_LINE_MAX_LENGTH,
        validators=[validate_single_line],
        widget=PlainTextInput,
    )
    body = forms.CharField(
        label=_("Your answer"),
        max_length=REPLY_MAX_LENGTH,
        strip=False,
        validators=[validate_no_control_characters],
        widget=PlainTextarea(attrs={"rows": 8}),
    )
    # The last answer to the client the page showed: one sent since by a colleague stops this one.
    # Not a number the page wrote (changed in the browser): her answer waits, told why in her words
    # (the view), not in Django's "(Hidden field seen) Enter a whole number.", which she cannot act on.
    seen = forms.IntegerField(
        min_value=0,
        max_value=2**63 - 1,
        required=False,
        widget=PlainHiddenInput,
        error_messages={"invalid": SEEN_INVALID, "min_value": SEEN_INVALID, "max_value": SEEN_INVALID},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the Dossier panel on the same page has a "subject" too (a label names one field only).
        kwargs.setdefault("auto_id", "reply_%s")
        super().__init__(*args, **kwargs)

    def seen_refused(self) -> bool:
        return self.has_error("seen")

    @staticmethod
    def initial_for(inquiry: Inquiry) -> dict[str, Any]:
        """Written in the client's language, whatever the secretary's."""
        with translation.override(inquiry.language):
            subject = gettext("Your request %(reference)s") % {"reference": inquiry.reference}
        return {
            "subject": subject,
            "body": reply_greeting(inquiry=inquiry, language=inquiry.language) + "\n\n",
            "seen": last_client_answer_id(inquiry),
        }


class MergeForm(forms.Form):
    duplicate = forms.CharField(max_length=20)
