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
clients fold the two copies into one. A worker that merely loses the
database at that moment waits to write it down: no second copy then.
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


# --- The faults ---------------------------------------------------------------------


def smtp_holding_a_message(deployment) -> threading.Event:
    """The SMTP server has taken a message and does not answer: the worst moment for the worker."""
    handler = deployment.smtp.handler
    handler.holding.clear()
    handler.hold = threading.Event()
    wait_until(handler.holding.is_set, timeout=30, message="no worker was sending")
    return handler.hold


def database_outage(deployment) -> None:
    release = smtp_holding_a_message(deployment)
    deployment.database.go_down()
    release.set()
    time.sleep(OUTAGE_SECONDS)
    deployment.database.come_back()


def mail_server_outage(deployment) -> None:
    with smtp_down(deployment.smtp):
        time.sleep(OUTAGE_SECONDS)


def four_eight_o_seven_outage(deployment, start_stream) -> None:
    """From the first payment on, until a push has failed (pushes wait behind the e-mails queued before them)."""
    failed_pushes = SalePushAttempt.objects.for_school(deployment.school).filter(outcome="retry")
    with deployment.four_eight_o_seven_down():
        start_stream()
        time.sleep(OUTAGE_SECONDS)
        wait_until(failed_pushes.exists, timeout=90, message="no push was tried while 4807 was down")


def workers_killed(deployment) -> None:
    release = smtp_holding_a_message(deployment)
    deployment.processes.kill_workers()
    release.set()
    time.sleep(1)
    deployment.processes.start_workers(2)


def more_of_the_stream(stream, count: int = 4) -> None:
    stream.wait_for(accepted=len(stream.tally.accepted) + count)


# --- One fault at a time ------------------------------------------------------------


def test_the_database_goes_away_for_a_while(deployment):
    stream = deployment.stream().start()
    more_of_the_stream(stream)

    database_outage(deployment)
    more_of_the_stream(stream)
    tally = stream.stop()

    deliveries = deployment.check_each_exactly_once(tally)
    assert tally.statuses["form 503"] + tally.statuses["webhook 503"] > 0, "the outage went unnoticed"
    # The client saw the page that says so, in French, not an error page.
    assert "Service momentanément indisponible" in tally.unavailable_page
    assert tally.statuses["inbox 200"] > 0  # the secretary's inbox: the page, or the 503 page
    # Nobody was killed: the worker that lost the database after sending waited to write it down.
    assert max(deliveries.values()) == 1


def test_the_mail_server_goes_away_for_a_while(deployment):
    stream = deployment.stream().start()
    more_of_the_stream(stream)

    mail_server_outage(deployment)
    more_of_the_stream(stream)
    tally = stream.stop()

    deployment.check_each_exactly_once(tally)
    assert DeliveryAttempt.objects.for_school(deployment.school).filter(outcome="retry").exists()


def test_4807_goes_away_for_a_while(deployment):
    stream = deployment.stream()

    four_eight_o_seven_outage(deployment, stream.start)
    more_of_the_stream(stream)
    tally = stream.stop()

    deployment.check_each_exactly_once(tally)


def test_the_workers_are_killed_in_the_middle_of_a_delivery(deployment):
    stream = deployment.stream().start()
    more_of_the_stream(stream)

    workers_killed(deployment)
    more_of_the_stream(stream)
    tally = stream.stop()

    deliveries = deployment.check_each_exactly_once(tally)
    interrupted = DeliveryAttempt.objects.for_school(deployment.school).filter(outcome="")
    assert interrupted.exists(), "no delivery was interrupted"
    assert max(deliveries.values()) == 2  # the interrupted e-mail, sent again after its lease


# --- Every fault in turn, in one stream ---------------------------------------------


def test_every_fault_in_turn(deployment):
    stream = deployment.stream()

    four_eight_o_seven_outage(deployment, stream.start)
    more_of_the_stream(stream)
    database_outage(deployment)
    more_of_the_stream(stream)
    mail_server_outage(deployment)
    more_of_the_stream(stream)
    workers_killed(deployment)
    more_of_the_stream(stream)
    tally = stream.stop()

    deployment.check_each_exactly_once(tally)
