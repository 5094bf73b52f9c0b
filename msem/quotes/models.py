from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from msem.catalog.models import Catalog, Product
from msem.inquiries.models import Inquiry
from msem.quotes.pricing import Totals, line_total, totals
from msem.schools.models import SchoolScopedModel, SchoolScopedQuerySet

MAX_QUANTITY = 100
MAX_LINE_PARTICIPANTS = 500
# The client's link is "<token>.<version>": "." is never in a token.
LINK_VERSION_SEPARATOR = "."


class Quote(SchoolScopedModel):
    """A "devis": lines of products with dates, participants and frozen prices, for one dossier."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    inquiry = models.ForeignKey(Inquiry, on_delete=models.PROTECT, related_name="quotes")
    number = models.CharField(_("number"), max_length=20)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    language = models.CharField(max_length=2)
    valid_until = models.DateField(_("valid until"))
    # Frozen from the school when the quote is made: a later change of the
    # school's VAT settings does not alter a quote already given.
    prices_include_vat = models.BooleanField(default=True)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    # The client's page and the PDF are reached with this alone: long and random.
    token = models.CharField(max_length=64, unique=True)
    # Bumped by every change of lines or validity: a payment link made for an
    # older version stops working.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # The client was reminded of a sent quote ("Relancer le client").
    reminders_sent = models.PositiveIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="quote_number_unique_per_school"),
            # One quote prepared at a time on a dossier: two colleagues pressing "New quote" at the same
            # instant (or one, twice) get one draft, whatever the pages they pressed it from said.
            models.UniqueConstraint(
                fields=["school", "inquiry"],
                condition=models.Q(status="draft"),
                name="quote_one_draft_per_dossier",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "inquiry"], name="quote_school_inquiry"),
            # Which dossiers were sent a quote (the dashboard's funnel), from the index alone:
            # with `sent_at`, the column of its condition, that SQLite (3.40) would read from the table.
            models.Index(
                fields=["school", "inquiry", "sent_at"],
                name="quote_sent_inquiry",
                condition=models.Q(sent_at__isnull=False),
            ),
            # The hourly sweep of the quotes past their validity date (quotes_expire_due), over every school.
            models.Index(fields=["valid_until"], name="quote_sent_valid_until", condition=models.Q(status="sent")),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def link_token(self) -> str:
        """The token of the client's link to this version (see msem.quotes.links)."""
        return f"{self.token}{LINK_VERSION_SEPARATOR}{self.version}"

    def totals(self, lines: list[QuoteLine] | None = None) -> Totals:
        lines = list(self.lines.all()) if lines is None else lines
        return totals(
            line_totals=[line.total for line in lines],
            vat_rate=self.vat_rate,
            prices_include_vat=self.prices_include_vat,
        )


# Which status may follow which; "paid" and "expired" are set by the system only.
QUOTE_TRANSITIONS: dict[str, frozenset[str]] = {
    Quote.Status.DRAFT: frozenset({Quote.Status.SENT, Quote.Status.CANCELLED}),
    Quote.Status.SENT: frozenset(
        {Quote.Status.DRAFT, Quote.Status.ACCEPTED, Quote.Status.CANCELLED, Quote.Status.EXPIRED}
    ),
    Quote.Status.ACCEPTED: frozenset({Quote.Status.PAID, Quote.Status.CANCELLED}),
    Quote.Status.PAID: frozenset(),
    Quote.Status.CANCELLED: frozenset(),
    Quote.Status.EXPIRED: frozenset(),
}


class QuoteLine(SchoolScopedModel):
    """One product of a quote, its code, names and unit price frozen when it was added."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, related_name="+")
    catalog = models.ForeignKey(Catalog, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    catalog_code = models.CharField(max_length=32, blank=True)  # "" for the public price list
    product_code = models.CharField(max_length=40)
    name_fr = models.CharField(max_length=160)
    name_en = models.CharField(max_length=160)
    pricing_unit = models.CharField(max_length=16, choices=Product.PricingUnit.choices)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    participants = models.PositiveSmallIntegerField(_("participants"), default=1)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    position = models.PositiveSmallIntegerField(default=0)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="quoteline_quantity_positive"),
            models.CheckConstraint(condition=models.Q(participants__gte=1), name="quoteline_participants_positive"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="quoteline_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product_code} × {self.quantity}"

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_fr

    @property
    def total(self) -> Decimal:
        return line_total(
            unit_price=self.unit_price,
            quantity=self.quantity,
            participants=self.participants,
            per_person=self.pricing_unit == Product.PricingUnit.PER_PERSON,
        )
