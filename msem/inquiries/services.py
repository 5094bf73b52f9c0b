"""Writes of the inquiries domain: request subjects and categories."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from msem.inquiries.models import Category, Subject
from msem.schools.models import School


@dataclass(frozen=True)
class SubjectLine:
    """One line of the Contact section, in the order shown. id is None for a new line."""

    id: int | None
    label_fr: str
    label_en: str
    email: str


@dataclass(frozen=True)
class CategoryLine:
    id: int | None
    code: str
    label_fr: str
    label_en: str


def subjects_sync(*, school: School, lines: Sequence[SubjectLine]) -> None:
    """Make the school's live subjects exactly `lines`, in that order.

    Lines without an id are created; live subjects missing from `lines` are
    removed softly, so the dossiers that use them keep their subject.
    """
    if not lines:
        raise ValidationError(_("At least one request subject must remain."), code="no_subject")
    live = {subject.pk: subject for subject in Subject.objects.for_school(school).live()}
    kept: set[int] = set()
    for position, line in enumerate(lines):
        if line.id is None:
            subject = Subject(school=school)
        elif line.id in live:
            subject = live[line.id]
        else:
            raise ValidationError(_("This request subject no longer exists."), code="unknown_subject")
        fields = {
            "label_fr": line.label_fr.strip(),
            "label_en": line.label_en.strip(),
            "email": line.email.strip().lower(),
            "position": position,
        }
        if subject.pk and all(getattr(subject, name) == value for name, value in fields.items()):
            kept.add(subject.pk)
            continue
        for name, value in fields.items():
            setattr(subject, name, value)
        if not subject.label_fr and not subject.label_en:
            raise ValidationError(_("Give the subject a label in French or in English."), code="no_label")
        subject.full_clean(exclude=["school"])
        subject.save()
        kept.add(subject.pk)
    Subject.objects.for_school(school).live().exclude(pk__in=kept).update(removed_at=timezone.now())


def categories_sync(*, school: School, lines: Sequence[CategoryLine]) -> None:
    """Make the school's live categories exactly `lines`, in that order.

    A category re-added with the code of a removed one is revived, so the
    dossiers filed under it are found again under the same filter.
    """
    codes = [line.code.strip() for line in lines]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise ValidationError(
            _("Each category code must be unique: %(codes)s is used twice.") % {"codes": ", ".join(duplicates)},
            code="duplicate_code",
        )
    scoped = Category.objects.for_school(school)
    live = {category.pk: category for category in scoped.live()}
    kept = {line.id for line in lines if line.id is not None}
    unknown = kept - live.keys()
    if unknown:
        raise ValidationError(_("This category no longer exists."), code="unknown_category")
    # Retire the removed ones first: their codes may be reused by new lines.
    scoped.live().exclude(pk__in=kept).update(removed_at=timezone.now())
    # Lines that change code may swap codes with each other: park them on a
    # code no line can have, so the unique constraint holds at every step.
    for line in lines:
        if line.id is not None and live[line.id].code != line.code.strip():
            scoped.filter(pk=line.id).update(code=f"~{line.id}")
    for position, line in enumerate(lines):
        fields = {
            "code": line.code.strip(),
            "label_fr": line.label_fr.strip(),
            "label_en": line.label_en.strip(),
            "position": position,
        }
        if line.id is not None:
            category = live[line.id]
        else:
            category = scoped.filter(code=fields["code"], removed_at__isnull=False).order_by(
                "-removed_at"
            ).first() or Category(school=school)
            category.removed_at = None
        if line.id is not None and all(getattr(category, name) == value for name, value in fields.items()):
            continue
        for name, value in fields.items():
            setattr(category, name, value)
        category.full_clean(exclude=["school"], validate_constraints=False)
        category.save()
