"""The one field of every two-step verification form: a code from the app (or a recovery code)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from msem.accounts.totp import DIGITS

_APP_CODE = re.compile(r"^[0-9]{%d}$" % DIGITS)
# A recovery code as shown: a digit and nine letters or digits, with or without the dash.
_RECOVERY_CODE = re.compile(r"^[0-9][A-Z0-9]{9}$")


def _code_widget() -> forms.TextInput:
    # The phone's numeric keypad, and the browser's or the OS's one-time-code autofill.
    return forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
    )


class AppCodeForm(forms.Form):
    """Only a code of the app: confirming an enrolment."""

    code = forms.CharField(label=_("Verification code"), max_length=32, widget=_code_widget())

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not _APP_CODE.match(code):
            raise forms.ValidationError(_("Type the 6 digits that your app shows."), code="format")
        return code


class VerificationCodeForm(forms.Form):
    """A code of the app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=32,
        widget=_code_widget(),
        help_text=_("The 6 digits that your authenticator app shows, or one of your recovery codes."),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if _APP_CODE.match(code) or _RECOVERY_CODE.match(code.replace("-", "").upper()):
            return code
        raise forms.ValidationError(
            _("Type the 6 digits that your app shows, or a recovery code such as 0ABCD-EFGHJ."), code="format"
        )
