"""`manage.py restore_database FILE --yes`: put a backup back in place of the current data."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from msem.platform.backups import BackupError, backup_check, backup_restore
from msem.platform.models import WorkerHeartbeat


def workers_still_running() -> list[WorkerHeartbeat]:
    """The workers that ran their heartbeat lately: they would keep writing, and sending, during the restore."""
    since = timezone.now() - timedelta(seconds=settings.MSEM_HEALTH_HEARTBEAT_MAX_AGE)
    return list(WorkerHeartbeat.objects.filter(beat_at__gte=since).order_by("worker", "queue_name"))


class Command(BaseCommand):
    help = "Replace the database's content with a backup's (stop the web processes and workers first)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("backup", type=Path)
        parser.add_argument("--yes", action="store_true", help="confirm: what the database holds now is lost")
        parser.add_argument(
            "--even-if-workers-run",
            action="store_true",
            help="restore although workers were seen lately (they may have stopped since their last heartbeat)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("This replaces everything in the database: add --yes to confirm.")
        running = workers_still_running()
        if running and not options["even_if_workers_run"]:
            # A worker left running would send e-mails and 4807 sales from the data being replaced, and
            # write rows the backup does not know of. (The web processes leave no trace to check.)
            seen = ", ".join(sorted({f"{beat.worker} ({beat.queue_name})" for beat in running}))
            raise CommandError(
                f"Workers ran lately: {seen}. Stop the workers, the scheduler and the web processes first; "
                f"if they are stopped, add --even-if-workers-run."
            )
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
