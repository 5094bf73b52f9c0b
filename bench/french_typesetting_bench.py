"""A French acknowledgement's typesetting: each time, remembered, and as another commit did it.

One command, from the repository's root (a few seconds):

    .venv/bin/python bench/french_typesetting_bench.py [--against 96e4e8b]

Times the typesetting (`msem.platform.french_spacing.french_typography`) of what a French
acknowledgement carries, its text, signature and footer, as a secretary types them (ordinary
spaces, the keyboard's apostrophes): each time, and through `mail_compose`'s remembered copy.
With --against REV, the module as it was at REV too (git show), in the same rounds, side by side.
Results and the command are in docs/performance.md ("French typesetting of an e-mail").
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _module_at(revision: str) -> ModuleType:
    source = subprocess.run(
        ["git", "show", f"{revision}:msem/platform/french_spacing.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "french_spacing_then.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("french_spacing_then", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", help="a commit whose typesetting is timed beside today's")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--number", type=int, default=5000)
    arguments = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    import django

    django.setup()
    from msem.mailing.composition import _french_typography as remembered
    from msem.mailing.defaults import DEFAULT_LEGAL_FOOTERS, DEFAULT_TEXTS
    from msem.mailing.models import MailKind
    from msem.platform.french_spacing import french_typography

    signature = DEFAULT_TEXTS[MailKind.SIGNATURE]["fr"][1]
    texts = [DEFAULT_TEXTS[MailKind.ACKNOWLEDGEMENT]["fr"][1], signature, DEFAULT_LEGAL_FOOTERS["fr"]]
    typed = [text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ") for text in texts]

    contenders = {"each time": french_typography, "remembered": remembered}
    if arguments.against:
        contenders = {f"at {arguments.against}": _module_at(arguments.against).french_typography, **contenders}
    print("µs per acknowledgement (text, signature, footer), typed with ordinary spaces and apostrophes")
    for round_number in range(1, arguments.rounds + 1):
        cells = []
        for label, typeset in contenders.items():
            seconds = timeit.timeit(lambda typeset=typeset: [typeset(text) for text in typed], number=arguments.number)
            cells.append(f"{label}: {seconds / arguments.number * 1e6:.1f}")
        print(f"round {round_number}: " + " · ".join(cells))


if __name__ == "__main__":
    main()
