"""What a save of the settings page changed, in words a manager reads in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from msem.mailing.models import MailKind


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
