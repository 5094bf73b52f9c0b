from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from msem.catalog.models import Catalog
from msem.inquiries.models import Inquiry
from msem.quotes.models import Quote
from msem.schools.models import SchoolScopedModel, SchoolScopedQuerySet


class Sale(SchoolScopedModel):
    """A fully paid quote, as it must be reported to 4807: frozen, whatever changes later.

    Its report to 4807 is its `push` (msem.connector4807.SalePush).
    """

    quote = models.OneToOneField(Quote, on_delete=models.PROTECT, related_name="sale")
    inquiry = models.ForeignKey(Inquiry, on_delete=models.PROTECT, related_name="+")
    catalog = models.ForeignKey(Catalog, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    catalog_code = models.CharField(max_length=32, blank=True)
    client_name = models.CharField(max_length=200)
    client_email = models.EmailField()
    client_phone = models.CharField(max_length=30, blank=True)
    # Each line as sold: product code, names, unit, unit price, dates, participants, quantity, total.
    lines = models.JSONField()
    total_excluding_vat = models.DecimalField(max_digits=10, decimal_places=2)
    vat = models.DecimalField(max_digits=10, decimal_places=2)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    payment_references = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        ordering = ["-created_at"]
        # The sales of a period (the dashboard's revenue).
        indexes = [models.Index(fields=["school", "created_at", "quote"], name="sale_school_time")]

    @property
    def price_lists(self) -> str:
        """Where its products' prices came from, for the Sales page's "Catalog" column: one 4807 catalog
        (its code), the public price list (no line has a catalog), or both or several (no one code)."""
        if self.catalog_code:
            return "catalog"
        if any(line.get("catalog_code") for line in self.lines):
            return "several"
        return "public"

    def __str__(self) -> str:
        return f"sale of {self.quote_id}: {self.total} {self.currency}"
