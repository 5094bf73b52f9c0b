"""Queuing e-mails wakes the worker: once per transaction, and never not at all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from msem.mailing.delivery import deliver_outbox, outbox_wake_up
from msem.mailing.models import OutgoingEmail
from msem.mailing.outbox import email_enqueue
from msem.outbox.worker import _round_up

pytestmark = pytest.mark.django_db(transaction=True)


def queue(school, to_email: str) -> None:
    email_enqueue(
        school=school, kind=OutgoingEmail.Kind.TEST, language="fr", to_email=to_email, subject="S", text_body="T"
    )


def delivery_runs() -> int:
    return DBTaskResult.objects.filter(status="READY", task_path=deliver_outbox.module_path).count()


def test_one_delivery_run_per_transaction_however_many_emails(school):
    with transaction.atomic():
        queue(school, "a@example.org")
        queue(school, "b@example.org")
    assert delivery_runs() == 1
    with transaction.atomic():
        queue(school, "c@example.org")
    assert delivery_runs() == 2


def test_an_email_queued_after_a_rolled_back_savepoint_still_wakes_the_worker(school):
    with transaction.atomic():
        try:
            with transaction.atomic():
                queue(school, "a@example.org")
                raise RuntimeError("the change is given up")
        except RuntimeError:
            pass
        queue(school, "b@example.org")
    assert list(OutgoingEmail.objects.values_list("to_email", flat=True)) == ["b@example.org"]
    assert delivery_runs() == 1


def test_delivery_runs_go_to_the_mail_queue_and_a_later_one_is_not_queued_twice(school):
    later = _round_up(timezone.now() + timedelta(minutes=5))
    with transaction.atomic():
        queue(school, "a@example.org")
    outbox_wake_up(at=later)
    outbox_wake_up(at=later + timedelta(seconds=1))  # the same moment, once rounded up

    assert set(DBTaskResult.objects.values_list("queue_name", flat=True)) == {"mail"}
    assert delivery_runs() == 2


def test_a_run_left_waiting_on_another_queue_does_not_stand_for_the_mail_queue(school):
    """A run queued before the tasks had their own queues waits for workers that may not send e-mails."""
    later = timezone.now() + timedelta(minutes=5)
    deliver_outbox.using(queue_name="default", run_after=_round_up(later)).enqueue()

    outbox_wake_up(at=later)

    waiting = DBTaskResult.objects.filter(status="READY", task_path=deliver_outbox.module_path)
    assert sorted(waiting.values_list("queue_name", flat=True)) == ["default", "mail"]
