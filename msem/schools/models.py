from __future__ import annotations

from decimal import Decimal
from typing import Self

from django.db import models
from django.utils.translation import gettext_lazy as _

from msem.validators import validate_iban, validate_single_line, validate_website_origins


class School(models.Model):
    """A ski school: the tenant. Every row of school data points here."""

    name = models.CharField(_("name"), max_length=120, validators=[validate_single_line])
    slug = models.SlugField(
        _("slug"),
        max_length=50,
        unique=True,
        help_text=_("Used in the addresses of the public pages, e.g. /fr/<slug>/contact/."),
    )
    main_email = models.EmailField(_("main e-mail address"), validators=[validate_single_line], max_length=254)
    website_origins = models.TextField(
        _("website origins"),
        blank=True,
        validators=[validate_website_origins],
        help_text=_(
            "One origin per line, e.g. https://www.esf-example.com: the sites allowed "
            "to embed the contact form and to post to the intake API."
        ),
    )
    legal_footer_fr = models.TextField(
        _("legal footer (French)"),
        help_text=_("Legal mentions appended to every e-mail. Set by platform administrators only."),
    )
    legal_footer_en = models.TextField(
        _("legal footer (English)"),
        help_text=_("Legal mentions appended to every e-mail. Set by platform administrators only."),
    )
    # Selling: how the school's prices are stated, and where bank transfers go.
    prices_include_vat = models.BooleanField(_("prices include VAT"), default=True)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("20.00"))
    quote_validity_days = models.PositiveSmallIntegerField(_("days a quote stays valid"), default=14)
    bank_account_holder = models.CharField(
        _("bank account holder"), max_length=120, blank=True, validators=[validate_single_line]
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    # The school's bearer token at the 4807 gateway (empty: MSEM_4807_TOKEN).
    connector_token = models.CharField(_("4807 gateway token"), max_length=200, blank=True)
    # Bumped by every save of the settings page: a save that read an older
    # version is refused instead of overwriting someone else's changes.
    settings_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def legal_footer(self, language: str) -> str:
        return self.legal_footer_en if language == "en" else self.legal_footer_fr

    @property
    def origins(self) -> list[str]:
        return [line.strip().rstrip("/") for line in self.website_origins.splitlines() if line.strip()]


class SchoolScopedQuerySet(models.QuerySet):
    def for_school(self, school: School | int) -> Self:
        school_id = school if isinstance(school, int) else school.pk
        return self.filter(school_id=school_id)


class SchoolScopedModel(models.Model):
    """Base of every table of school data.

    The row carries school_id itself, not only through a parent, so that
    scoping is always one WHERE school_id = … and the table can later be
    distributed by school. Each model declares `objects` from a
    SchoolScopedQuerySet (or a subclass), so `for_school` is always there.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", verbose_name=_("school"))

    class Meta:
        abstract = True


class DocumentCounter(SchoolScopedModel):
    """The last number given in a series (requests DEM, quotes DEV …) for a school and a year."""

    series = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "series", "year"], name="documentcounter_unique_series_year"),
        ]

    def __str__(self) -> str:
        return f"{self.series}-{self.year}: {self.last_value}"
