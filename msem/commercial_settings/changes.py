"""What a save of the settings page changed, in words a manager reads in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from msem.mailing.models import MailKind
from msem.schools.models import School


@dataclass(frozen=True)
class SettingsChange:
    section: str
    description: str
    before: str = ""
    after: str = ""


def _line_label(line: dict[str, Any]) -> str:
    labels = " / ".join(part for part in (line.get("label_fr"), line.get("label_en")) if part)
    if "code" in line:
        return f"{line['code']} — {labels}"
    return f"{labels} → {line['email']}"


def _lines_changes(section: str, before: list[dict], after: list[dict]) -> list[SettingsChange]:
    changes = []
    old = {line["id"]: line for line in before}
    new = {line["id"]: line for line in after}
    for line_id, line in new.items():
        if line_id not in old:
            changes.append(SettingsChange(section, _("Added"), after=_line_label(line)))
        elif old[line_id] != line:
            changes.append(
                SettingsChange(section, _("Changed"), before=_line_label(old[line_id]), after=_line_label(line))
            )
    for line_id, line in old.items():
        if line_id not in new:
            changes.append(SettingsChange(section, _("Removed"), before=_line_label(line)))
    kept_order_before = [line_id for line_id in old if line_id in new]
    kept_order_after = [line_id for line_id in new if line_id in old]
    if kept_order_before != kept_order_after:
        changes.append(SettingsChange(section, _("Order changed")))
    return changes


def settings_changes(before: dict[str, Any], after: dict[str, Any]) -> list[SettingsChange]:
    subjects, mails, categories, catalogs = (
        _("Contact"),
        _("Default e-mail texts"),
        _("Dossier categories"),
        _("4807 catalogs"),
    )
    changes = _lines_changes(subjects, before.get("subjects", []), after.get("subjects", []))
    kind_labels = dict(MailKind.choices)
    old_texts, new_texts = before.get("mail_texts", {}), after.get("mail_texts", {})
    for key in sorted(set(old_texts) | set(new_texts)):
        old, new = old_texts.get(key, {}), new_texts.get(key, {})
        if old == new:
            continue
        kind, language = key.split(".")
        name = f"{kind_labels.get(kind, kind)} ({language.upper()})"
        for part, part_label in (("subject", _("subject line")), ("body", _("text"))):
            if old.get(part, "") != new.get(part, ""):
                changes.append(
                    SettingsChange(mails, f"{name} — {part_label}", before=old.get(part, ""), after=new.get(part, ""))
                )
    changes += _lines_changes(categories, before.get("categories", []), after.get("categories", []))
    old_codes, new_codes = before.get("catalogs", []), after.get("catalogs", [])
    changes += [SettingsChange(catalogs, _("Added"), after=code) for code in new_codes if code not in old_codes]
    changes += [SettingsChange(catalogs, _("Removed"), before=code) for code in old_codes if code not in new_codes]
    return changes


def _platform_value(value: Any) -> str:
    # A secret's value is never in the record (msem/commercial_settings/services.py): only whether there is one.
    if value == "secret:set":
        return _("set (not shown)")
    if value == "secret:changed":
        return _("new one (not shown)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return "" if value is None else str(value)


# A field recorded under the name the admin form gives it, stored in another column (sealed).
_STORED_AS = {"connector_token": "connector_token_box"}


def platform_changes(before: dict[str, Any], after: dict[str, Any]) -> list[SettingsChange]:
    """The school's details a platform administrator changed, one line per field."""
    section = _("School's details (set by the platform)")
    changes = []
    for name in [*after, *(name for name in before if name not in after)]:
        try:
            label = str(capfirst(getattr(School._meta.get_field(_STORED_AS.get(name, name)), "verbose_name", name)))
        except FieldDoesNotExist:  # a field removed since the record was written: its name still says what it was
            label = name
        changes.append(
            SettingsChange(
                section, label, before=_platform_value(before.get(name)), after=_platform_value(after.get(name))
            )
        )
    return changes
