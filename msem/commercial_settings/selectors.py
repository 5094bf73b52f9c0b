"""Reads of a school's commercial settings, as the settings page and its audit see them."""

from __future__ import annotations

from typing import Any

from msem.catalog.selectors import catalogs_live
from msem.inquiries.selectors import categories_live, subjects_live
from msem.mailing.selectors import mail_templates_by_kind_and_language
from msem.schools.models import School


def commercial_settings_snapshot(*, school: School) -> dict[str, Any]:
    """The settings as plain JSON data: what an audit record keeps before and after a save."""
    return {
        "subjects": [
            {"id": s.pk, "label_fr": s.label_fr, "label_en": s.label_en, "email": s.email}
            for s in subjects_live(school=school)
        ],
        "mail_texts": {
            f"{kind}.{language}": {"subject": t.subject, "body": t.body}
            for (kind, language), t in sorted(mail_templates_by_kind_and_language(school=school).items())
        },
        "categories": [
            {"id": c.pk, "code": c.code, "label_fr": c.label_fr, "label_en": c.label_en}
            for c in categories_live(school=school)
        ],
        "catalogs": [c.code for c in catalogs_live(school=school)],
    }
