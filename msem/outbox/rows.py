"""The columns every outbox table has: a state, a lease, a retry schedule; and its attempts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from msem.schools.models import SchoolScopedModel


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxRow(SchoolScopedModel):
    status = models.CharField(_("status"), max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    leased_by = models.CharField(_("leased by"), max_length=64, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        abstract = True


class AttemptOutcome(models.TextChoices):
    SENT = "sent", _("Sent")
    RETRY = "retry", _("Failed, will be retried")
    FAILED = "failed", _("Failed for good")


class OutboxAttempt(SchoolScopedModel):
    """One try at doing an outbox row's work."""

    worker = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # Empty while in progress, and forever when the worker died during the try.
    outcome = models.CharField(max_length=8, choices=AttemptOutcome.choices, blank=True)
    # The other side's answer code: SMTP reply code, HTTP status.
    code = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["started_at", "id"]
