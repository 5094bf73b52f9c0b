"""Backups: written while the application runs, proved by a restore, put back when needed.

On whichever database the suite runs on (SQLite's online backup, or
pg_dump/pg_restore against the PostgreSQL server).
"""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from msem.inquiries.models import Inquiry
from msem.platform.backups import BackupError, backup_check, backup_write
from msem.platform.heartbeat import heartbeat_record
from msem.platform.models import WorkerHeartbeat
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_backup_restores_with_the_data_it_was_taken_with(school, tmp_path):
    receive_inquiry(school)
    receive_inquiry(school)

    out = StringIO()
    call_command("backup_database", "--output", str(tmp_path / "msem.backup"), stdout=out)

    assert "backup written" in out.getvalue()
    check = backup_check(tmp_path / "msem.backup")
    assert check.ok, check.problems
    assert check.row_counts["inquiries_inquiry"] == 2
    assert check.row_counts["mailing_outgoingemail"] == 4
    assert check.migrations_behind == 0


def test_restoring_puts_back_what_was_lost(school, tmp_path):
    kept = receive_inquiry(school)
    backup = backup_write(tmp_path / "before.backup")
    Inquiry.objects.for_school(school).delete()
    receive_inquiry(school)  # written after the backup: gone after the restore

    out = StringIO()
    call_command("restore_database", str(backup), "--yes", stdout=out)

    assert list(Inquiry.objects.for_school(school).values_list("reference", flat=True)) == [kept.reference]
    assert "restored from" in out.getvalue()


def test_restoring_asks_for_confirmation(tmp_path):
    backup = backup_write(tmp_path / "b.backup")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_database", str(backup))


def test_restoring_refuses_while_workers_run(school, tmp_path):
    kept = receive_inquiry(school)
    backup = backup_write(tmp_path / "b.backup")
    receive_inquiry(school)
    heartbeat_record(queue_name="mail", queued_at=timezone.now())  # a worker of the mail queue, just now

    with pytest.raises(CommandError, match=r"Workers ran lately: .*\(mail\)\. Stop the workers"):
        call_command("restore_database", str(backup), "--yes", stdout=StringIO())
    assert Inquiry.objects.for_school(school).count() == 2  # nothing replaced

    # Its beat is older than the health check allows: stopped. Or the operator says they are.
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=10))
    call_command("restore_database", str(backup), "--yes", stdout=StringIO())
    assert list(Inquiry.objects.for_school(school).values_list("reference", flat=True)) == [kept.reference]


def test_restoring_with_workers_seen_lately_when_the_operator_says_they_are_stopped(school, tmp_path):
    backup = backup_write(tmp_path / "b.backup")
    heartbeat_record(queue_name="default", queued_at=timezone.now())
    call_command("restore_database", str(backup), "--yes", "--even-if-workers-run", stdout=StringIO())


def test_a_damaged_backup_is_reported_and_never_restored(school, tmp_path):
    receive_inquiry(school)
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(b"this is not a database backup" * 100)

    with pytest.raises(CommandError, match="does not restore correctly"):
        call_command("backup_check", str(damaged), stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError):
        call_command("restore_database", str(damaged), "--yes", stdout=StringIO(), stderr=StringIO())
    assert Inquiry.objects.for_school(school).count() == 1


def test_a_backup_never_overwrites_another(tmp_path):
    backup_write(tmp_path / "once.backup")
    with pytest.raises(BackupError, match="exists already"):
        backup_write(tmp_path / "once.backup")


def test_a_backup_is_readable_by_its_owner_only(school, tmp_path):
    """It holds every client's personal data; a umask of 022 (the usual one) must not make it world-readable."""
    receive_inquiry(school)
    previous = os.umask(0o022)
    try:
        path = backup_write(tmp_path / "backups" / "msem.backup")
    finally:
        os.umask(previous)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert backup_check(path).row_counts["inquiries_inquiry"] == 1


def test_a_missing_backup_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no backup at"):
        call_command("backup_check", str(tmp_path / "nothing.backup"))
