"""The filters of the Sales to 4807 page: a sale a client or the accountant asks about, those needing a look,
or the sales of a month to close."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from msem.connector4807.selectors import PUSH_STATES
from msem.dashboard.periods import day_start
from msem.validators import validate_single_line

SEARCH_MAX_LENGTH = 200


class SaleFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        validators=[validate_single_line],
        widget=forms.SearchInput(attrs={"placeholder": _("Quote, dossier, 4807 number or client…")}),
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

    sold_from = forms.DateField(
        label=_("Sold from"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    sold_to = forms.DateField(
        label=_("Sold until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("sold_from"), cleaned.get("sold_to")
        if first and last and last < first:
            self.add_error("sold_to", _("The last day is before the first day."))
        for name in ("sold_from", "sold_to"):
            day = cleaned.get(name)
            if day is not None and not date(2000, 1, 1) <= day <= date(2100, 12, 31):
                self.add_error(name, _("Give a date between 2000 and 2100."))
        return cleaned

    @property
    def sold_after(self) -> datetime | None:
        """The first instant of the first day, in Paris, as the dashboard counts its days."""
        first = self.cleaned_data.get("sold_from")
        return day_start(first) if first else None

    @property
    def sold_before(self) -> datetime | None:
        """The first instant after the last day."""
        last = self.cleaned_data.get("sold_to")
        return day_start(date.fromordinal(last.toordinal() + 1)) if last else None

    @property
    def statuses(self) -> tuple[str, ...]:
        return PUSH_STATES.get(self.cleaned_data.get("status") or "", ())

    @property
    def has_criteria(self) -> bool:
        return any(self.data.get(name) for name in self.fields)
