"""Queuing e-mails wakes the worker: once per transaction, and never not at all."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from msem.mailing.delivery import deliver_outbox
from msem.mailing.models import OutgoingEmail
from msem.mailing.outbox import email_enqueue

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
