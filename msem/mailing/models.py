from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from msem.schools.models import SchoolScopedModel, SchoolScopedQuerySet

SUBJECT_LINE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000


class MailKind(models.TextChoices):
    """The default texts a school edits in "Contenu des mails (par défaut)"."""

    ACKNOWLEDGEMENT = "acknowledgement", _("Contact - Acknowledgement of receipt")
    SIGNATURE = "signature", _("Signature")
    QUOTE = "quote", _("Sending a quote")
    PAYMENT_REQUEST = "payment_request", _("Payment request")


# The signature is appended to the others: it has no subject line of its own.
KINDS_WITH_SUBJECT_LINE = (MailKind.ACKNOWLEDGEMENT, MailKind.QUOTE, MailKind.PAYMENT_REQUEST)


class MailTemplate(SchoolScopedModel):
    kind = models.CharField(_("kind"), max_length=32, choices=MailKind.choices)
    language = models.CharField(_("language"), max_length=2, choices=[("fr", "FR"), ("en", "EN")])
    subject = models.CharField(_("subject line"), max_length=SUBJECT_LINE_MAX_LENGTH, blank=True)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        constraints = [
            models.UniqueConstraint(fields=["school", "kind", "language"], name="mailtemplate_unique_kind_language"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"
