from __future__ import annotations

from decimal import Decimal
from typing import Self

from django.db import models
from django.utils.translation import gettext_lazy as _

from msem.platform.secret_box import SecretBoxError, open_box, seal
from msem.validators import validate_iban, validate_single_line, validate_website_origins

# What a school's 4807 token is sealed for (msem/platform/secret_box.py); its owner is the school's id.
CONNECTOR_TOKEN_PURPOSE = "msem.connector4807.token"


class ConnectorTokenUnreadable(Exception):
    """The school's 4807 token was sealed under a SECRET_KEY that is gone: it must be entered again."""


class School(models.Model):
    """A ski school: the tenant. Every row of school data points here."""

    name = models.CharField(_("name"), max_length=120, validators=[validate_single_line])
    slug = models.SlugField(
        _("slug"),
        max_length=50,
        unique=True,
        # Django renders help texts as HTML: an example in angle brackets would vanish from the admin's page.
        help_text=_(
            "Used in the addresses of the public pages: “les-aiguilles” gives /fr/les-aiguilles/contact/. "
            "Not to be changed once the school's website links to its form."
        ),
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
    # The school's bearer token at the 4807 gateway, sealed (empty: MSEM_4807_TOKEN). Never in clear
    # in the database: a dump, a backup or an SQL injection must not give the school's 4807 account.
    # Read with connector_token_get(), written with msem.schools.services.school_connector_token_set.
    connector_token_box = models.TextField(_("4807 gateway token"), blank=True, editable=False)
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

    def connector_token_get(self) -> str:
        """The school's own 4807 token, "" when it has none. Raises ConnectorTokenUnreadable."""
        if not self.connector_token_box:
            return ""
        try:
            plain = open_box(self.connector_token_box, purpose=CONNECTOR_TOKEN_PURPOSE, owner=str(self.pk))
        except SecretBoxError as error:
            raise ConnectorTokenUnreadable(f"the 4807 token of school {self.slug} cannot be read") from error
        return plain.decode()

    def connector_token_seal(self, token: str) -> None:
        """Put the token, sealed, on this (saved) school; the caller saves connector_token_box."""
        if self.pk is None:
            raise ValueError("a school's token is sealed for its id: save the school first")
        self.connector_token_box = (
            seal(token.encode(), purpose=CONNECTOR_TOKEN_PURPOSE, owner=str(self.pk)) if token else ""
        )

    @property
    def connector_token_unreadable(self) -> bool:
        try:
            self.connector_token_get()
        except ConnectorTokenUnreadable:
            return True
        return False

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
