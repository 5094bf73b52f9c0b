from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from msem.outbox.rows import AttemptOutcome, OutboxAttempt, OutboxRow, OutboxStatus
from msem.sales.models import Sale
from msem.schools.models import SchoolScopedModel, SchoolScopedQuerySet


class SalePush(OutboxRow):
    """Reporting one sale to 4807, through the outbox: once, whatever the retries.

    The idempotency key is fixed when the push is queued; 4807 records a sale
    once per key, so a push repeated after a crash or a lost answer creates
    no second sale.
    """

    Status = OutboxStatus

    sale = models.OneToOneField(Sale, on_delete=models.PROTECT, related_name="push", verbose_name=_("sale"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    # The sale's identifier in 4807 (or in the local ledger), once recorded.
    remote_id = models.CharField(_("sale number at 4807"), max_length=80, blank=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sale report to 4807")
        verbose_name_plural = _("sale reports to 4807")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="salepush_due"),
            models.Index(fields=["status", "lease_expires_at"], name="salepush_lease"),
            models.Index(fields=["school", "status", "-created_at"], name="salepush_school_status"),
        ]

    def __str__(self) -> str:
        return f"push of sale {self.sale_id} ({self.status})"


class SalePushAttempt(OutboxAttempt):
    Outcome = AttemptOutcome

    push = models.ForeignKey(SalePush, on_delete=models.CASCADE, related_name="attempts_made")

    objects = SchoolScopedQuerySet.as_manager()

    class Meta(OutboxAttempt.Meta):
        pass

    def __str__(self) -> str:
        return f"attempt on push {self.push_id}: {self.outcome or 'interrupted'}"


class LedgerEntry(SchoolScopedModel):
    """The embedded mode's 4807: a sale written here, to be entered into 4807 by hand (CSV export)."""

    idempotency_key = models.CharField(max_length=80, unique=True)
    number = models.CharField(max_length=30)
    payload = models.JSONField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return self.number
