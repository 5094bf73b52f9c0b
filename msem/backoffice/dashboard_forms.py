"""The dashboard's period (this week, this month, last month, this season, or two dates) and the waiting threshold."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from msem.dashboard.periods import (
    MAX_PERIOD_DAYS,
    Period,
    PeriodKind,
    period_custom,
    period_last_month,
    period_this_month,
    period_this_season,
    period_this_week,
    today_in_paris,
)
from msem.dashboard.selectors import DEFAULT_WAITING_HOURS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_WAITING_HOURS = 24 * 90
# Dates a ski school's dashboard can mean; beyond, a typing mistake.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def _date_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "data-period-date": ""}, format="%Y-%m-%d"),
    )


class DashboardForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            (PeriodKind.WEEK, _("This week")),
            (PeriodKind.MONTH, _("This month")),
            (PeriodKind.LAST_MONTH, _("Last month")),
            (PeriodKind.SEASON, _("This season")),
            (PeriodKind.CUSTOM, _("Dates")),
        ],
        widget=forms.RadioSelect,
    )
    start = _date_field(_("From"))
    end = _date_field(_("To"))
    hours = forms.IntegerField(
        # Named so for the list of errors above the form; the form itself reads as a sentence (page.html).
        label=_("Threshold of the waiting requests (hours)"),
        required=False,
        min_value=1,
        max_value=MAX_WAITING_HOURS,
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_WAITING_HOURS, "step": 1}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today_in_paris(timezone.now())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        kind = cleaned.get("period") or (PeriodKind.CUSTOM if start or end else PeriodKind.SEASON)
        cleaned["period"] = kind
        if kind != PeriodKind.CUSTOM or self.errors:
            return cleaned
        if start is None:
            self.add_error("start", _("Give the first day of the period."))
        if end is None:
            self.add_error("end", _("Give the last day of the period."))
        for name, day in (("start", start), ("end", end)):
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, _("Give a date between 2000 and 2100."))
        if self.errors or start is None or end is None:
            return cleaned
        if end < start:
            self.add_error("end", _("The last day is before the first day."))
        elif (end - start).days + 1 > MAX_PERIOD_DAYS:
            self.add_error(
                "end",
                _("Choose a period of %(max)d days at most (this one has %(days)d).")
                % {"max": MAX_PERIOD_DAYS, "days": (end - start).days + 1},
            )
        return cleaned

    def chosen_period(self) -> Period:
        kind = self.cleaned_data["period"]
        if kind == PeriodKind.WEEK:
            return period_this_week(self.today)
        if kind == PeriodKind.MONTH:
            return period_this_month(self.today)
        if kind == PeriodKind.LAST_MONTH:
            return period_last_month(self.today)
        if kind == PeriodKind.SEASON:
            return period_this_season(self.today)
        return period_custom(self.cleaned_data["start"], self.cleaned_data["end"])

    def waiting_hours(self) -> int:
        return self.cleaned_data.get("hours") or DEFAULT_WAITING_HOURS
