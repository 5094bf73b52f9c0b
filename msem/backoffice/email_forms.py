"""The filters of the e-mails page: what a secretary looks for when a client says he got nothing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from msem.mailing.models import OutgoingEmail
from msem.mailing.selectors import outgoing_email_kinds_shown
from msem.validators import validate_single_line

Status = OutgoingEmail.Status

# The states a secretary tells apart, over the outbox's: an e-mail waiting for a retry is queued again.
STATUSES_OF_STATE: dict[str, tuple[str, ...]] = {
    "waiting": (Status.QUEUED, Status.SENDING),
    "failed": (Status.FAILED,),
    "sent": (Status.SENT,),
}

SEARCH_MAX_LENGTH = 200


class EmailFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        validators=[validate_single_line],
        widget=forms.SearchInput(attrs={"placeholder": _("Address, dossier reference, quote number or subject…")}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", pgettext_lazy("e-mails of every status", "All")),
            ("waiting", pgettext_lazy("e-mail status filter", "Waiting")),
            ("failed", pgettext_lazy("e-mail status filter", "Failed")),
            ("sent", pgettext_lazy("e-mail status filter", "Sent")),
        ],
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            ("", pgettext_lazy("e-mails of every kind", "All")),
            *outgoing_email_kinds_shown(),
        ]

    @property
    def statuses(self) -> tuple[str, ...]:
        return STATUSES_OF_STATE.get(self.cleaned_data.get("status") or "", ())

    @property
    def has_criteria(self) -> bool:
        return any(self.data.get(name) for name in self.fields)
