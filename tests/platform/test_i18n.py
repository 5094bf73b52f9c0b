"""French is complete, and the committed .mo files are what the .po files compile to."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from msem.platform.compile_messages import LOCALE_DIR, compiled

CATALOGS = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def test_there_are_french_and_english_catalogs():
    assert {path.parts[-3] for path in CATALOGS} >= {"fr", "en"}


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda path: str(path.relative_to(LOCALE_DIR)))
def test_the_committed_mo_file_is_up_to_date(po_path: Path):
    assert po_path.with_suffix(".mo").read_bytes() == compiled(po_path), "run `make messages`"


def test_every_french_string_is_translated():
    catalog = polib.pofile(str(LOCALE_DIR / "fr" / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
