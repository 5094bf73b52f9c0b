from __future__ import annotations

from django.utils import translation

from msem.commercial_settings.changes import settings_changes


def test_describes_added_changed_removed_and_reordered_lines():
    before = {
        "subjects": [
            {"id": 1, "label_fr": "Infos", "label_en": "Info", "email": "a@x.test"},
            {"id": 2, "label_fr": "Groupes", "label_en": "", "email": "g@x.test"},
            {"id": 3, "label_fr": "Privés", "label_en": "", "email": "p@x.test"},
        ],
        "catalogs": ["CE-ALPES"],
        "mail_texts": {"signature.fr": {"subject": "", "body": "Bye"}},
    }
    after = {
        "subjects": [
            {"id": 3, "label_fr": "Privés", "label_en": "", "email": "p@x.test"},
            {"id": 1, "label_fr": "Infos", "label_en": "Info", "email": "b@x.test"},
            {"id": 4, "label_fr": "Neuf", "label_en": "New", "email": "n@x.test"},
        ],
        "catalogs": ["TO-NEIGE"],
        "mail_texts": {"signature.fr": {"subject": "", "body": "Ciao"}},
    }
    with translation.override("fr"):
        changes = [(c.section, c.description, c.before, c.after) for c in settings_changes(before, after)]
    assert ("Contact", "Modification", "Infos / Info → a@x.test", "Infos / Info → b@x.test") in changes
    assert ("Contact", "Ajout", "", "Neuf / New → n@x.test") in changes
    assert ("Contact", "Suppression", "Groupes → g@x.test", "") in changes
    assert ("Contact", "Ordre modifié", "", "") in changes
    assert ("Contenu des mails (par défaut)", "Signature (FR) — texte", "Bye", "Ciao") in changes
    assert ("Gestion des catalogues 4807", "Ajout", "", "TO-NEIGE") in changes
    assert ("Gestion des catalogues 4807", "Suppression", "CE-ALPES", "") in changes
