"""`manage.py restore_database FILE --yes`: put a backup back in place of the current data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from msem.platform.backups import BackupError, backup_check, backup_restore


class Command(BaseCommand):
    help = "Replace the database's content with a backup's (stop the web processes and workers first)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("backup", type=Path)
        parser.add_argument("--yes", action="store_true", help="confirm: what the database holds now is lost")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("This replaces everything in the database: add --yes to confirm.")
        try:
            # A backup that does not restore into a scratch copy is not put in place of good data.
            check = backup_check(options["backup"])
            if not check.ok:
                raise CommandError(f"{options['backup']} does not restore correctly: {check.problems}")
            backup_restore(options["backup"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored from {options['backup']}: {check.row_counts}")
        if check.migrations_behind:
            self.stdout.write("the backup is older than this code: run `manage.py migrate` now")
