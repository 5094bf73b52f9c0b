"""Compile locale/*/LC_MESSAGES/*.po into .mo files with polib (no GNU gettext needed).

Run by `make messages`; the test suite checks that the committed .mo files
are what this produces from the committed .po files.
"""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent.parent / "locale"


def compiled(po_path: Path) -> bytes:
    catalog = polib.pofile(str(po_path))
    return catalog.to_binary()


def main() -> None:
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        po_path.with_suffix(".mo").write_bytes(compiled(po_path))
        print(f"compiled {po_path.relative_to(LOCALE_DIR.parent)}")


if __name__ == "__main__":
    main()
