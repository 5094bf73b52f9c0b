from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from msem.schools.models import SchoolScopedModel, SchoolScopedQuerySet
from msem.validators import validate_single_line

LABEL_MAX_LENGTH = 120


class LiveRowQuerySet(SchoolScopedQuerySet):
    """Subjects and categories are removed softly: dossiers keep pointing at them."""

    def live(self) -> LiveRowQuerySet:
        return self.filter(removed_at__isnull=True)


class Subject(SchoolScopedModel):
    """An "objet de demande": a choice on the contact form, routed to one address."""

    label_fr = models.CharField(
        _("label (French)"), max_length=LABEL_MAX_LENGTH, blank=True, validators=[validate_single_line]
    )
    label_en = models.CharField(
        _("label (English)"), max_length=LABEL_MAX_LENGTH, blank=True, validators=[validate_single_line]
    )
    email = models.EmailField(_("e-mail address"), validators=[validate_single_line])
    position = models.PositiveIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = LiveRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("request subject")
        verbose_name_plural = _("request subjects")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["school", "position"], name="subject_school_position")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(label_fr="", label_en=""), name="subject_has_a_label"),
        ]

    def __str__(self) -> str:
        return self.label_fr or self.label_en

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_fr


class Category(SchoolScopedModel):
    """A "catégorie des dossiers": code + FR and EN labels, picked by the client."""

    code = models.SlugField(_("code"), max_length=40)
    label_fr = models.CharField(_("label (French)"), max_length=LABEL_MAX_LENGTH, validators=[validate_single_line])
    label_en = models.CharField(_("label (English)"), max_length=LABEL_MAX_LENGTH, validators=[validate_single_line])
    position = models.PositiveIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = LiveRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "id"]
        constraints = [
            # A code is unique among the school's live categories; a removed
            # one may come back (it is then revived, see categories_sync).
            models.UniqueConstraint(
                fields=["school", "code"],
                condition=models.Q(removed_at__isnull=True),
                name="category_code_unique_per_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.label_fr}"

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_fr
