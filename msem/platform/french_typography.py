"""No-break spaces in the French catalog, so that « : ; ! ? » never wrap alone onto the next line.

    python -m msem.platform.french_typography

rewrites every French msgstr (and msgstr[n]) in place. It does not compile the catalog: run
`python -m msem.platform.compile_messages` after it (`make messages` runs both).

The convention (README, "Translations"):

- U+00A0 NO-BREAK SPACE before « : » and inside guillemets « … »;
- U+202F NARROW NO-BREAK SPACE before « ; », « ! » and « ? ».

Only the spaces already there change: a mark written without a space before it (10:30,
https://, Content-Type: application/json) is left alone, because in a catalog that is a time, a
URL or code far more often than a forgotten space. Placeholders (%(name)s, {name}), URLs and HTML
tags are never rewritten. A space run of several characters becomes one. Running it twice changes
nothing the second time.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import polib

from msem.platform.compile_messages import LOCALE_DIR
from msem.platform.french_spacing import french_typography

FRENCH_CATALOG = LOCALE_DIR / "fr" / "LC_MESSAGES" / "django.po"
COMMAND = "python -m msem.platform.french_typography"


def _translations(entry: polib.POEntry) -> Iterator[str]:
    if entry.msgstr:
        yield entry.msgstr
    yield from entry.msgstr_plural.values()


def entries_to_fix(catalog: polib.POFile) -> list[polib.POEntry]:
    """The entries whose translation does not follow the convention yet."""
    return [entry for entry in catalog if any(french_typography(text) != text for text in _translations(entry))]


def fix_catalog(path: Path = FRENCH_CATALOG) -> int:
    """Rewrite the catalog at `path` to the convention; return how many entries changed."""
    # wrapwidth=0: polib writes every string on one line, then msgcat lays the file out the way
    # makemessages does, so that the diff shows only the strings that changed.
    catalog = polib.pofile(str(path), wrapwidth=0)
    changed = entries_to_fix(catalog)
    if not changed:
        return 0
    for entry in changed:
        entry.msgstr = french_typography(entry.msgstr)
        entry.msgstr_plural = {index: french_typography(text) for index, text in entry.msgstr_plural.items()}
    catalog.save(str(path))
    msgcat = shutil.which("msgcat")
    if msgcat:
        subprocess.run([msgcat, "--output-file", str(path), str(path)], check=True)  # noqa: S603 (our own file)
    return len(changed)


def main() -> None:
    changed = fix_catalog()
    print(f"{FRENCH_CATALOG.relative_to(LOCALE_DIR.parent)}: {changed} entries changed")
    if changed:
        print("now run: python -m msem.platform.compile_messages")


if __name__ == "__main__":
    main()
