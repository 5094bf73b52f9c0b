"""The settings page's writes: a school's commercial settings, saved all or nothing.

The four sections belong to different domains (inquiries, mailing, catalog);
this module is the one place that saves them together, under the school's
settings version, and writes the audit record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F

from msem.accounts.models import Membership, Role, User
from msem.audit.models import AuditRecord
from msem.audit.services import audit_record_create
from msem.catalog.services import catalogs_sync
from msem.commercial_settings.selectors import commercial_settings_snapshot
from msem.connector4807.services import verify_catalog_codes
from msem.inquiries.services import CategoryLine, SubjectLine, categories_sync, subjects_sync
from msem.mailing.defaults import DEFAULT_LEGAL_FOOTERS, DEFAULT_TEXTS
from msem.mailing.services import mail_templates_update
from msem.schools.models import ConnectorTokenUnreadable, School

# What platform administrators set on a school (Django's admin), and which of it is a secret: an audit
# record says a secret changed, never its value (the record is shown to the school's managers).
PLATFORM_FIELDS = (
    "name",
    "slug",
    "main_email",
    "website_origins",
    "legal_footer_fr",
    "legal_footer_en",
    "prices_include_vat",
    "vat_rate",
    "quote_validity_days",
    "bank_account_holder",
    "iban",
    "bic",
    "connector_token",
)
SECRET_FIELDS = frozenset({"connector_token"})
# How a secret appears in an audit record: whether one was set, and that it changed.
SECRET_SET, SECRET_CHANGED = "secret:set", "secret:changed"
# A saved token no current key opens: any token typed, or its removal, is a change.
_UNREADABLE = object()


class SettingsConflict(Exception):
    """Someone saved the settings after this form was loaded."""


@transaction.atomic
def school_create(
    *, name: str, slug: str, main_email: str, website_origins: str = "", school: School | None = None
) -> School:
    """Create a school with what a new school starts with.

    One subject, "Demande d’informations" routed to the main address, the
    default e-mail texts in both languages and the default legal footers.
    `school` lets Django's admin pass the instance its form built.
    """
    if school is None:
        school = School(name=name, slug=slug, main_email=main_email, website_origins=website_origins)
    school.legal_footer_fr = school.legal_footer_fr or DEFAULT_LEGAL_FOOTERS["fr"]
    school.legal_footer_en = school.legal_footer_en or DEFAULT_LEGAL_FOOTERS["en"]
    school.full_clean()
    school.save()
    subjects_sync(
        school=school,
        lines=[
            SubjectLine(
                id=None,
                label_fr="Demande d’informations",
                label_en="Request for information",
                email=school.main_email,
            )
        ],
    )
    mail_templates_update(
        school=school,
        texts={
            (kind, language): texts
            for kind, by_language in DEFAULT_TEXTS.items()
            for language, texts in by_language.items()
        },
    )
    return school


def _current(school: School, name: str) -> Any:
    if name == "connector_token":
        # Kept sealed in connector_token_box: compared with what was typed once opened.
        try:
            return school.connector_token_get()
        except ConnectorTokenUnreadable:
            return _UNREADABLE
    return getattr(school, name)


def _set(school: School, name: str, value: Any) -> str:
    """Set one field on the school; returns the column that changed."""
    if name == "connector_token":
        school.connector_token_seal(value)
        return "connector_token_box"
    setattr(school, name, value)
    return name


def _recorded(name: str, value: Any, *, before: bool) -> Any:
    if name in SECRET_FIELDS:
        if value is _UNREADABLE:
            return SECRET_SET
        if not value:
            return ""
        return SECRET_SET if before else SECRET_CHANGED
    return str(value) if isinstance(value, Decimal) else value


@transaction.atomic
def school_update_by_platform(*, school: School, administrator: User, changes: Mapping[str, Any]) -> School:
    """Save what a platform administrator changed on a school, with an audit record of it.

    `changes` maps fields of PLATFORM_FIELDS to their new values; the ones equal to the saved
    values are left alone. The record keeps each changed field before and after (a secret: only
    that it changed), the school's managers see it in their history of changes, and the security
    log gets the event. Raises ValidationError (nothing saved) for an invalid value.
    """
    unknown = set(changes) - set(PLATFORM_FIELDS)
    if unknown:
        raise ValueError(f"not set by platform administrators: {sorted(unknown)}")
    locked = School.objects.select_for_update().get(pk=school.pk)
    changed = [name for name, value in changes.items() if _current(locked, name) != value]
    if not changed:
        return locked
    before = {name: _recorded(name, _current(locked, name), before=True) for name in changed}
    columns = [_set(locked, name, changes[name]) for name in changed]
    locked.full_clean()
    locked.save(update_fields=columns)
    after = {name: _recorded(name, _current(locked, name), before=False) for name in changed}
    audit_record_create(
        school=locked,
        actor=administrator,
        action=AuditRecord.Action.SCHOOL_CHANGED_BY_PLATFORM,
        before=before,
        after=after,
        by_platform=True,
    )
    return locked


@transaction.atomic
def commercial_settings_save(
    *,
    school: School,
    actor: User,
    expected_version: int,
    subjects: Sequence[SubjectLine],
    mail_texts: Mapping[tuple[str, str], tuple[str, str]],
    categories: Sequence[CategoryLine],
    catalog_codes: Sequence[str],
) -> School:
    """Save the four sections of the settings page together.

    Raises SettingsConflict when the settings changed since `expected_version`
    was read, ValidationError for an invalid line, PermissionDenied when the
    actor is not a manager of the school; in every case nothing is saved.
    """
    if not Membership.objects.for_school(school).filter(user=actor, role=Role.MANAGER).exists():
        raise PermissionDenied
    # Lock the school row: two saves of the same page queue here, and the
    # second one sees the version the first one wrote.
    locked = School.objects.select_for_update().get(pk=school.pk)
    if locked.settings_version != expected_version:
        raise SettingsConflict
    before = commercial_settings_snapshot(school=school)
    subjects_sync(school=school, lines=subjects)
    mail_templates_update(school=school, texts=mail_texts)
    categories_sync(school=school, lines=categories)
    catalogs_sync(school=school, codes=catalog_codes)
    after = commercial_settings_snapshot(school=school)
    if after != before:
        if set(after["catalogs"]) - set(before["catalogs"]):
            # New codes: 4807 is asked for their account names by the worker.
            verify_catalog_codes.enqueue(school.pk)
        School.objects.filter(pk=school.pk).update(settings_version=F("settings_version") + 1)
        audit_record_create(
            school=school, actor=actor, action=AuditRecord.Action.SETTINGS_SAVED, before=before, after=after
        )
    school.refresh_from_db(fields=["settings_version"])
    return school
