"""The forms of the Team page: inviting someone, changing a member's role."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from msem.accounts.models import Role, User
from msem.validators import E_MAIL_INVALID, validate_single_line

# The two names make the account's full name (120 characters at most).
NAME_MAX_LENGTH = 59


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254, error_messages={"invalid": E_MAIL_INVALID})
    first_name = forms.CharField(label=_("First name"), max_length=NAME_MAX_LENGTH, validators=[validate_single_line])
    last_name = forms.CharField(label=_("Last name"), max_length=NAME_MAX_LENGTH, validators=[validate_single_line])
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.SECRETARY)
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=User.Language.choices,
        help_text=_("Also the language of their back office, which they can change."),
    )

    @property
    def full_name(self) -> str:
        return f"{self.cleaned_data['first_name']} {self.cleaned_data['last_name']}".strip()


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
