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
