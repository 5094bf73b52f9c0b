"""Validation of an incoming request, shared by the public form and the JSON intake API."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from msem.inquiries.models import (
    MAX_PARTICIPANTS,
    MESSAGE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    Category,
    Subject,
)
from msem.inquiries.selectors import categories_live, subjects_live
from msem.schools.models import School
from msem.validators import validate_no_control_characters, validate_single_line

_PHONE_CHARACTERS = re.compile(r"\A\+?[0-9 ().\-/]+\Z")
LATEST_ARRIVAL = timedelta(days=730)


def validate_phone(value: str) -> None:
    digits = sum(character.isdigit() for character in value)
    if not _PHONE_CHARACTERS.match(value) or not 6 <= digits <= 17:
        raise ValidationError(_("Enter a phone number, e.g. +33 6 12 34 56 78."), code="invalid_phone")


@dataclass(frozen=True)
class IntakeData:
    """A validated request, ready for inquiry_receive."""

    language: str
    subject: Subject
    category: Category | None
    first_name: str
    last_name: str
    email: str
    phone: str
    message: str
    arrival_date: date | None
    departure_date: date | None
    participants: int | None


class SubjectChoiceField(forms.ModelChoiceField):
    def __init__(self, *, language: str, **kwargs: Any) -> None:
        self.language = language
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Subject) -> str:  # type: ignore[override]
        return obj.label(self.language)


class CategoryChoiceField(forms.ModelChoiceField):
    def __init__(self, *, language: str, **kwargs: Any) -> None:
        self.language = language
        super().__init__(to_field_name="code", **kwargs)

    def label_from_instance(self, obj: Category) -> str:  # type: ignore[override]
        return obj.label(self.language)


class IntakeForm(forms.Form):
    """The fields of a request. Subjects and categories are those of the school, live, in the language."""

    subject = forms.Field()  # replaced in __init__
    category = forms.Field(required=False)  # replaced in __init__
    first_name = forms.CharField(
        label=_("First name"),
        max_length=NAME_MAX_LENGTH,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=NAME_MAX_LENGTH,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        validators=[validate_single_line],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        # Django's English says "email"; the client's form says "e-mail" everywhere else.
        error_messages={"invalid": _("Enter a valid e-mail address.")},
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=PHONE_MAX_LENGTH,
        required=False,
        validators=[validate_single_line, validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    arrival_date = forms.DateField(
        label=_("Arrival date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    departure_date = forms.DateField(
        label=_("Departure date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    # In the client's words, not Django's "Ensure this value is greater than or equal to 1."
    participants = forms.IntegerField(
        label=_("Number of participants"),
        required=False,
        min_value=1,
        max_value=MAX_PARTICIPANTS,
        error_messages={
            "min_value": _("Give at least one participant."),
            "max_value": _("For more than %(limit_value)s participants, give their number in your message."),
        },
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        validators=[validate_no_control_characters],
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, school: School, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.language = language
        today = timezone.localdate().isoformat()
        self.fields["arrival_date"].widget.attrs["min"] = today
        self.fields["departure_date"].widget.attrs["min"] = today
        label_field = "label_en" if language == "en" else "label_fr"
        self.fields["subject"] = SubjectChoiceField(
            language=language,
            label=_("Subject of your request"),
            queryset=subjects_live(school=school).exclude(**{label_field: ""}),
            empty_label=_("Choose a subject"),
            error_messages={"invalid_choice": _("Choose one of the subjects offered.")},
        )
        categories = categories_live(school=school)
        self.fields["category"] = CategoryChoiceField(
            language=language,
            label=_("Category"),
            queryset=categories,
            required=categories.exists(),
            empty_label=_("Choose a category"),
            error_messages={"invalid_choice": _("Choose one of the categories offered.")},
        )

    @property
    def offers_no_subject(self) -> bool:
        """No subject has a label in this language: the form could not be sent (the settings page says so too)."""
        return not self.fields["subject"].queryset.exists()  # type: ignore[attr-defined]

    @property
    def asks_for_category(self) -> bool:
        return bool(self.fields["category"].required)

    def clean_arrival_date(self) -> date | None:
        arrival = self.cleaned_data.get("arrival_date")
        today = timezone.localdate()
        if arrival and arrival < today:
            raise ValidationError(_("The arrival date is in the past."), code="past_arrival")
        if arrival and arrival > today + LATEST_ARRIVAL:
            raise ValidationError(_("The arrival date is too far ahead."), code="far_arrival")
        return arrival

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        arrival, departure = cleaned.get("arrival_date"), cleaned.get("departure_date")
        if arrival and departure and departure < arrival:
            self.add_error("departure_date", _("The departure date is before the arrival date."))
        if departure and departure > timezone.localdate() + LATEST_ARRIVAL + timedelta(days=60):
            self.add_error("departure_date", _("The departure date is too far ahead."))
        return cleaned

    def intake_data(self) -> IntakeData:
        data = self.cleaned_data
        return IntakeData(
            language=self.language,
            subject=data["subject"],
            category=data.get("category"),
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            email=data["email"].strip(),
            phone=data.get("phone", "").strip(),
            message=data["message"].strip().replace("\r\n", "\n"),
            arrival_date=data.get("arrival_date"),
            departure_date=data.get("departure_date"),
            participants=data.get("participants"),
        )
