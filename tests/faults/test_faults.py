"""Faults during a stream of submissions and payments: every dossier, e-mail and sale exists exactly once.

Each test runs the deployment as processes (tests/faults/stack.py), sends
the contact form and Stripe's payment webhook without pause (clients.py),
takes one part away for a few seconds in the middle, then lets the workers
drain and checks everything (conftest.py):

- each submission thanked → one dossier, one notification to the school, one
  acknowledgement to the client, each received by the SMTP server;
- each payment taken → one payment, one sale in Msem, one sale in 4807;
- no answer was a 500, no process gave up.

"Exactly once" for e-mails is "at most twice" in one case, by design: a
worker killed after the SMTP server took a message but before the worker
wrote down that it did leaves the row leased; when the lease ends another
worker sends it again, with the same Message-ID (msem/outbox/worker.py).
SMTP has no idempotency key to prevent that; the Message-ID lets mail
clients fold the two copies into one.
"""

from __future__ import annotations

import threading
import time

import pytest

from msem.connector4807.models import SalePushAttempt
from msem.mailing.models import DeliveryAttempt
from tests.faults.stack import smtp_down, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = 5


def test_the_database_goes_away_for_a_while(deployment):
    stream = deployment.stream().start()
    stream.wait_for(accepted=4)

    # At the worst moment for the workers: the SMTP server has a message and has not answered yet.
    deployment.smtp.handler.hold = threading.Event()
    wait_until(deployment.smtp.handler.holding.is_set, timeout=30, message="no worker was sending")
    deployment.database.go_down()
    deployment.smtp.handler.hold.set()
    time.sleep(OUTAGE_SECONDS)
    deployment.database.come_back()
    stream.wait_for(accepted=len(stream.tally.accepted) + 4)
    tally = stream.stop()

    deliveries = deployment.check_each_exactly_once(tally)
    assert tally.statuses["form 503"] + tally.statuses["webhook 503"] > 0, "the outage went unnoticed"
    # Nobody was killed: a worker that lost the database after sending waits to write it down.
    assert max(deliveries.values()) == 1


def test_the_mail_server_goes_away_for_a_while(deployment):
    stream = deployment.stream().start()
    stream.wait_for(accepted=4)

    with smtp_down(deployment.smtp):
        time.sleep(OUTAGE_SECONDS)
    stream.wait_for(accepted=len(stream.tally.accepted) + 4)
    tally = stream.stop()

    deployment.check_each_exactly_once(tally)
    assert DeliveryAttempt.objects.for_school(deployment.school).filter(outcome="retry").exists()


def test_4807_goes_away_for_a_while(deployment):
    # Down from the first payment on, until a push has failed: the workers run the pushes
    # after the e-mails queued before them, a few seconds later under this stream.
    failed_pushes = SalePushAttempt.objects.for_school(deployment.school).filter(outcome="retry")
    with deployment.four_eight_o_seven_down():
        stream = deployment.stream().start()
        stream.wait_for(accepted=2)
        time.sleep(OUTAGE_SECONDS)
        wait_until(failed_pushes.exists, timeout=60, message="no push was tried while 4807 was down")
    stream.wait_for(accepted=len(stream.tally.accepted) + 4)
    tally = stream.stop()

    deployment.check_each_exactly_once(tally)


def test_the_workers_are_killed_in_the_middle_of_a_delivery(deployment):
    stream = deployment.stream().start()
    stream.wait_for(accepted=4)

    # The SMTP server has a message and has not answered yet: kill every worker now.
    deployment.smtp.handler.hold = threading.Event()
    wait_until(deployment.smtp.handler.holding.is_set, timeout=30, message="no worker was sending")
    deployment.processes.kill_workers()
    deployment.smtp.handler.hold.set()
    time.sleep(1)
    deployment.processes.start_workers(2)
    stream.wait_for(accepted=len(stream.tally.accepted) + 4)
    tally = stream.stop()

    deployment.check_each_exactly_once(tally)
    interrupted = DeliveryAttempt.objects.for_school(deployment.school).filter(outcome="")
    assert interrupted.exists(), "no delivery was interrupted"
