from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from msem.quotes.models import Quote
from msem.schools.models import SchoolScopedModel, SchoolScopedQuerySet


class PaymentRequest(SchoolScopedModel):
    """A "demande de paiement": an amount of a quote, asked for with an expiring link."""

    class Kind(models.TextChoices):
        FULL = "full", _("Whole amount")
        DEPOSIT = "deposit", _("Deposit")
        BALANCE = "balance", _("Balance")

    class Status(models.TextChoices):
        # A "demande de paiement" is feminine in French: "Payée", "Annulée", where a quote is "Payé", "Annulé".
        PENDING = "pending", pgettext_lazy("payment request status", "Waiting for payment")
        PAID = "paid", pgettext_lazy("payment request status", "Paid")
        CANCELLED = "cancelled", pgettext_lazy("payment request status", "Cancelled")

    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, related_name="payment_requests")
    reference = models.CharField(_("reference"), max_length=30)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    percentage = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    # Computed on the server when the request is made; what the client pays.
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    quote_version = models.PositiveIntegerField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField(_("link valid until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "reference"], name="paymentrequest_reference_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="paymentrequest_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.reference


class Payment(SchoolScopedModel):
    """Money received for a payment request, by one provider, recorded once."""

    class Provider(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        STRIPE = "stripe", _("Card (Stripe)")
        SANDBOX = "sandbox", _("Sandbox (demo)")

    payment_request = models.ForeignKey(PaymentRequest, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(_("means of payment"), max_length=16, choices=Provider.choices)
    # The provider's own identifier: unique, so that the same payment told
    # twice (a replayed webhook, a double click) is recorded once.
    provider_reference = models.CharField(max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    received_at = models.DateTimeField(_("received"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_reference"], name="payment_unique_provider_reference"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} € by {self.provider} ({self.provider_reference})"


class ProviderEvent(models.Model):
    """A notification received from a payment provider (a webhook), kept so that each is applied once."""

    provider = models.CharField(max_length=16)
    event_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=80)
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="providerevent_unique")]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id} ({self.kind})"
