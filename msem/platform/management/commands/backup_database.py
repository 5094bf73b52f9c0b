"""`manage.py backup_database [--output FILE]`: a consistent copy of the whole database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from msem.platform.backups import BackupError, backup_check, backup_default_path, backup_write


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup, or pg_dump), then check that the backup restores."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", type=Path, help="the backup file (default: var/backups/msem-<time>.<kind>)")
        parser.add_argument("--no-check", action="store_true", help="skip restoring the backup into a scratch copy")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup_write(options["output"] or backup_default_path())
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"backup written: {path} ({path.stat().st_size} bytes)")
        if not options["no_check"]:
            self.stdout.write("checking that it restores…")
            check = backup_check(path)
            for problem in check.problems:
                self.stderr.write(f"  problem: {problem}")
            if not check.ok:
                raise CommandError(f"the backup {path} does not restore correctly")
            self.stdout.write(f"  restores: {check.row_counts}")
