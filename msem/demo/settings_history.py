"""The demo manager's last saves of the settings page: its history of changes is not empty on a first look.

The seed creates the settings, no one saves them: "Historique des modifications"
stayed empty until a visitor saved the page herself. Hélène, the demo's manager,
made three saves in the last days, each through the service the settings page
calls (commercial_settings_save: the settings' version, the audit record and its
security event, as for a real save); only their time is set back, to when she made them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from django.utils import timezone

from msem.accounts.models import User
from msem.audit.models import AuditRecord
from msem.catalog.selectors import catalogs_live
from msem.commercial_settings.services import commercial_settings_save
from msem.inquiries.selectors import categories_live, subjects_live
from msem.inquiries.services import CategoryLine, SubjectLine
from msem.mailing.models import MailKind
from msem.mailing.selectors import mail_templates_by_kind_and_language
from msem.schools.models import School

PRIVATE_LESSONS_ADDRESS = "prives@esf-valneige.demo.test"
# The office's hours in the holidays, told to every client who writes.
HOLIDAY_HOURS = {
    "fr": "Pendant les vacances scolaires, notre bureau est ouvert tous les jours de 8 h 30 à 19 h.",
    "en": "During the school holidays our office is open every day from 8.30 am to 7 pm.",
}
NEW_CATEGORY = CategoryLine(None, "granges", "Hameau des Granges (1600)", "Les Granges hamlet (1600)")


@dataclass(frozen=True)
class SettingsPage:
    """The settings page as it stands, in the shape its form gives the service."""

    subjects: list[SubjectLine]
    mail_texts: dict[tuple[str, str], tuple[str, str]]
    categories: list[CategoryLine]
    catalog_codes: list[str]


def _as_it_stands(school: School) -> SettingsPage:
    return SettingsPage(
        subjects=[SubjectLine(s.pk, s.label_fr, s.label_en, s.email) for s in subjects_live(school=school)],
        mail_texts={
            key: (template.subject, template.body)
            for key, template in mail_templates_by_kind_and_language(school=school).items()
        },
        categories=[CategoryLine(c.pk, c.code, c.label_fr, c.label_en) for c in categories_live(school=school)],
        catalog_codes=[c.code for c in catalogs_live(school=school)],
    )


def _private_lessons_to_their_own_address(page: SettingsPage) -> SettingsPage:
    """Julie takes the private lessons: their requests reach her own mailbox, no longer the school's."""
    subjects = [
        replace(line, email=PRIVATE_LESSONS_ADDRESS) if line.label_en == "Private lessons" else line
        for line in page.subjects
    ]
    return replace(page, subjects=subjects)


def _holiday_hours_in_the_acknowledgement(page: SettingsPage) -> SettingsPage:
    """The office's hours, after the paragraph on how soon the school answers (the third)."""
    texts = dict(page.mail_texts)
    for language, sentence in HOLIDAY_HOURS.items():
        subject, body = texts[(MailKind.ACKNOWLEDGEMENT, language)]
        paragraphs = body.split("\n\n")
        paragraphs.insert(3, sentence)
        texts[(MailKind.ACKNOWLEDGEMENT, language)] = (subject, "\n\n".join(paragraphs))
    return replace(page, mail_texts=texts)


def _a_new_hamlet(page: SettingsPage) -> SettingsPage:
    """The new hamlet's lodgings, before "Je ne sais pas" (the last choice of the form)."""
    *places, unknown = page.categories
    return replace(page, categories=[*places, NEW_CATEGORY, unknown])


Save = tuple[int, time, Callable[[SettingsPage], SettingsPage]]  # days ago, time of day, what she changed
# What the season's e-mails carry (the address a request is sent to, the acknowledgement's text): saved before
# they are written, so that every e-mail shows the settings as the page does.
SAVES_THE_EMAILS_CARRY: tuple[Save, ...] = (
    (9, time(18, 10), _private_lessons_to_their_own_address),
    (6, time(9, 5), _holiday_hours_in_the_acknowledgement),
)
# A new category: saved after the season's requests, none of which (since September) is then in it.
SAVES_AFTER_THE_REQUESTS: tuple[Save, ...] = ((3, time(14, 40), _a_new_hamlet),)


def demo_settings_saves(school: School, *, manager: User, now: datetime, saves: Sequence[Save]) -> list[AuditRecord]:
    """Make the demo manager's `saves` of the settings page, each dated a few days before `now`."""
    records = []
    for days_ago, at, change in saves:
        page = change(_as_it_stands(school))
        school.refresh_from_db(fields=["settings_version"])
        commercial_settings_save(
            school=school,
            actor=manager,
            expected_version=school.settings_version,
            subjects=page.subjects,
            mail_texts=page.mail_texts,
            categories=page.categories,
            catalog_codes=page.catalog_codes,
        )
        record = AuditRecord.objects.for_school(school).latest("pk")
        local_day = timezone.localtime(now).date() - timedelta(days=days_ago)
        record.created_at = datetime.combine(local_day, at, tzinfo=timezone.get_current_timezone())
        AuditRecord.objects.for_school(school).filter(pk=record.pk).update(created_at=record.created_at)
        records.append(record)
    return records
