from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from msem.schools.models import SchoolScopedModel, SchoolScopedQuerySet

CATALOG_CODE_MAX_LENGTH = 32

# A 4807 catalog code names an intermediated client account: letters, digits,
# dashes and underscores, starting with a letter or digit. Stored upper-case.
validate_catalog_code = RegexValidator(
    regex=r"\A[A-Z0-9][A-Z0-9_-]{1,31}\Z",
    message=_(
        "A 4807 catalog code has 2 to 32 characters: letters, digits, “-” or “_”, starting with a letter or a digit."
    ),
    code="invalid_catalog_code",
)


def normalize_catalog_code(raw: str) -> str:
    return raw.strip().upper()


class CatalogQuerySet(SchoolScopedQuerySet):
    def live(self) -> CatalogQuerySet:
        return self.filter(removed_at__isnull=True)


class Catalog(SchoolScopedModel):
    """A "catalogue 4807": an intermediated client account with its own prices or products."""

    class Verification(models.TextChoices):
        NOT_VERIFIED = "not_verified", _("Not verified with 4807")
        VERIFIED = "verified", _("Verified with 4807")

    code = models.CharField(
        _("4807 catalog code"), max_length=CATALOG_CODE_MAX_LENGTH, validators=[validate_catalog_code]
    )
    account_name = models.CharField(_("4807 account name"), max_length=200, blank=True)
    verification = models.CharField(max_length=16, choices=Verification.choices, default=Verification.NOT_VERIFIED)
    position = models.PositiveIntegerField(default=0)
    added_at = models.DateTimeField(auto_now_add=True)
    # Quotes will keep pointing at a removed catalog: removal is soft.
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = CatalogQuerySet.as_manager()

    class Meta:
        verbose_name = _("4807 catalog")
        verbose_name_plural = _("4807 catalogs")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "code"],
                condition=models.Q(removed_at__isnull=True),
                name="catalog_code_unique_per_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.account_name}" if self.account_name else self.code


class Product(SchoolScopedModel):
    """A "prestation": a ski-lesson product of the school, sold on the public price list or in a catalog."""

    class Kind(models.TextChoices):
        COLLECTIVE = "collective", _("Group lesson")
        PRIVATE = "private", _("Private lesson")
        GROUP = "group", _("Groups")
        OTHER = "other", _("Other")

    class PricingUnit(models.TextChoices):
        PER_PERSON = "per_person", _("per person")
        PER_LESSON = "per_lesson", _("per lesson")
        PER_HOUR = "per_hour", _("per hour")

    code = models.CharField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    name_fr = models.CharField(_("name (French)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # How long it lasts, as sold: e.g. "6 × 2 h 30" or "1 h".
    duration_fr = models.CharField(_("duration (French)"), max_length=60, blank=True)
    duration_en = models.CharField(_("duration (English)"), max_length=60, blank=True)
    pricing_unit = models.CharField(
        _("pricing unit"), max_length=16, choices=PricingUnit.choices, default=PricingUnit.PER_PERSON
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["kind", "name_fr"]
        constraints = [models.UniqueConstraint(fields=["school", "code"], name="product_code_unique_per_school")]

    def __str__(self) -> str:
        return f"{self.code} — {self.name_fr}"

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_fr

    def duration(self, language: str) -> str:
        return self.duration_en if language == "en" and self.duration_en else self.duration_fr


class CatalogPrice(SchoolScopedModel):
    """A product's price in one price list for one season.

    `catalog` empty is the public price list ("Tarif public", what the school
    sells online); otherwise the price of a 4807 catalog. A product with no
    public price is sold only through the catalogs that list it.
    """

    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE, null=True, blank=True, related_name="prices")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            # One price per product and season in each list; the public list is catalog IS NULL.
            models.UniqueConstraint(
                fields=["school", "catalog", "product", "valid_from"],
                condition=models.Q(catalog__isnull=False),
                name="catalogprice_unique_per_season",
            ),
            models.UniqueConstraint(
                fields=["school", "product", "valid_from"],
                condition=models.Q(catalog__isnull=True),
                name="publicprice_unique_per_season",
            ),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="catalogprice_not_negative"),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")), name="catalogprice_valid_dates"
            ),
        ]
        indexes = [models.Index(fields=["school", "catalog", "valid_until"], name="catalogprice_list_season")]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.catalog_id or 'public'}: {self.unit_price}"
