"""`manage.py backup_check FILE`: restore a backup into a scratch database and check it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from msem.platform.backups import BackupError, backup_check


class Command(BaseCommand):
    help = "Restore a backup into a scratch database, check its tables and migrations, then drop the scratch copy."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("backup", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            check = backup_check(options["backup"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        for table, count in check.row_counts.items():
            self.stdout.write(f"  {table}: {count} rows")
        if check.migrations_behind:
            self.stdout.write(f"  {check.migrations_behind} migrations behind this code: `migrate` after restoring")
        for problem in check.problems:
            self.stderr.write(f"  problem: {problem}")
        if not check.ok:
            raise CommandError(f"{check.backup} does not restore correctly")
        self.stdout.write(f"{check.backup} restores correctly")
