"""The second factor of a user: her authenticator app's secret and her recovery codes (ASVS 6.3.3, 6.5).

Imported by msem/accounts/models.py, so that these are models of the accounts app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SecondFactor(models.Model):
    """A TOTP authenticator of one user; in use once confirmed with a first code.

    The shared secret is kept sealed (msem/platform/secret_box.py) and shown only
    while the user enrols. `last_step` is the time step of the last code accepted:
    a code of that step or an earlier one is refused (a code works once, ASVS 6.5.1).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="second_factor")
    sealed_secret = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_step = models.BigIntegerField(null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("two-step verification")
        verbose_name_plural = _("two-step verifications")

    def __str__(self) -> str:
        return f"second factor of user {self.user_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """One single-use recovery code, stored hashed with scrypt and a random salt (ASVS 6.5.2).

    `slot` (0–9) is the code's first character: a login checks one hash, not ten.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    slot = models.PositiveSmallIntegerField()
    code_hash = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "slot"], name="recovery_code_unique_slot")]

    def __str__(self) -> str:
        return f"recovery code {self.slot} of user {self.user_id}"
