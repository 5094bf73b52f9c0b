from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from msem.catalog.importing import CatalogImportError, catalog_file_read
from msem.catalog.models import normalize_catalog_code
from msem.catalog.selectors import catalogs_live
from msem.catalog.services import catalog_import
from msem.schools.models import School


class Command(BaseCommand):
    help = (
        "Import products and their prices into a school's public price list (--public) or one of its "
        "4807 catalogs (--catalog CODE) from a CSV or JSON file (see docs/catalog-import.md). "
        "All or nothing: one invalid row and nothing is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a CSV or JSON file, UTF-8; “-” reads standard input")
        parser.add_argument("--school", required=True, help="the school's slug")
        # No default target: a file meant for a catalog must never land in the public list by mistake.
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--catalog", metavar="CODE", help="a 4807 catalog code of the school")
        target.add_argument("--public", action="store_true", help="the public price list (Tarif public)")

    # Like every command, it answers in English, the operators' documentation's language, not in the
    # deployment's default French: the file's problems and the summary are the back office's translated
    # messages (msem/catalog/importing.py), so translations are off here and they come out in English.
    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school has the slug “{options['school']}”.")
        catalog = None
        if options["catalog"]:
            code = normalize_catalog_code(options["catalog"])
            catalog = catalogs_live(school=school).filter(code=code).first()
            if catalog is None:
                raise CommandError(
                    f"{school.name} has no 4807 catalog {code}. Add the code in Paramètres "
                    "(Commercial management → Settings → 4807 catalogs) first, then import again."
                )
        content = self._read(options["file"])
        try:
            report = catalog_import(school=school, catalog=catalog, rows=catalog_file_read(content=content))
        except CatalogImportError as error:
            lines = ["Nothing was imported. Correct the file and import it again:"]
            lines += [f"  {problem}" for problem in error.problems]
            raise CommandError("\n".join(lines)) from None
        self.stdout.write(report.summary())

    def _read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read()
        try:
            return Path(name).read_bytes()
        except OSError as error:
            raise CommandError(f"Can't read {name}: {error.strerror}") from None
