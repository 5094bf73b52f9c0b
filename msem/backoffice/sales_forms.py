"""The filters of the Sales to 4807 page: a sale a client or the accountant asks about, or those needing a look."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from msem.connector4807.selectors import PUSH_STATES
from msem.validators import validate_single_line

SEARCH_MAX_LENGTH = 200


class SaleFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        validators=[validate_single_line],
        widget=forms.SearchInput(attrs={"placeholder": _("Quote number, dossier reference, 4807 number or client…")}),
    )
    status = forms.ChoiceField(
        label=_("Report to 4807"),
        required=False,
        choices=[
            ("", pgettext_lazy("sales of every report status", "All")),
            ("failed", pgettext_lazy("sale report status filter", "Failed")),
            ("waiting", pgettext_lazy("sale report status filter", "Waiting")),
            ("reported", pgettext_lazy("sale report status filter", "Reported")),
        ],
    )

    @property
    def statuses(self) -> tuple[str, ...]:
        return PUSH_STATES.get(self.cleaned_data.get("status") or "", ())

    @property
    def has_criteria(self) -> bool:
        return any(self.data.get(name) for name in self.fields)
