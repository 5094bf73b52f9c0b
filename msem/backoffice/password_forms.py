"""Choosing a password (an invitation, a reset) and changing it, with the policy's refusals where she typed it.

Django's forms put the password policy's errors ("too similar to the e-mail address", "too common")
under the confirmation field: read there, they seem to blame the second typing, and a new user
retypes the confirmation instead of choosing another password. Here they go under the new
password, beside the rules they break; only "the two passwords differ" stays under the confirmation.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _


class _PolicyErrorsUnderTheNewPassword:
    def clean(self) -> dict[str, Any]:
        self.validate_passwords("new_password1", "new_password2")  # type: ignore[attr-defined]
        self.validate_password_for_user(self.user, "new_password1")  # type: ignore[attr-defined]
        # SetPasswordForm.clean would check the policy again, under the confirmation: skip to Form.clean.
        return super(SetPasswordForm, self).clean()  # type: ignore[misc]


class NewPasswordForm(_PolicyErrorsUnderTheNewPassword, SetPasswordForm):
    pass


class ChangedPasswordForm(_PolicyErrorsUnderTheNewPassword, PasswordChangeForm):
    """Its first field named as the page's introduction names it: "current", not Django's "old"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")
