"""The real worker, killed with SIGKILL while it pushes a sale: the sale exists once in 4807."""

from __future__ import annotations

import signal

import pytest

from msem.connector4807.models import SalePush
from msem.connector4807.simulator import Simulator, demo_establishment
from msem.payments.services import payment_record
from tests.mailing.test_worker_process import start_worker, wait_until, workers  # noqa: F401 (fixture)
from tests.quotes.helpers import payment_request, sent_quote

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def simulator():
    server = Simulator(establishments={"test-token": demo_establishment()}).start()
    yield server
    server.stop()


def test_a_worker_killed_mid_push_leaves_exactly_one_sale(school, manager, simulator, workers):  # noqa: F811
    quote = sent_quote(school, manager)
    request = payment_request(school, manager, quote)
    simulator.inject("hang")  # the first push never gets its answer
    payment_record(
        school=request.school_id,
        payment_request_id=request.pk,
        provider="sandbox",
        provider_reference="k-1",
        amount=request.amount,
    )
    environment = {"MSEM_4807_URL": simulator.url, "MSEM_4807_TOKEN": "test-token", "MSEM_4807_READ_TIMEOUT": "60"}

    first = start_worker(None, extra_env=environment)
    workers.append(first)
    wait_until(lambda: simulator.state.calls >= 1, timeout=30, message="the worker never pushed")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    workers.append(start_worker(None, extra_env=environment))

    wait_until(
        lambda: SalePush.objects.filter(status=SalePush.Status.SENT).exists(),
        timeout=60,
        message="the sale was not pushed after the restart",
    )
    push = SalePush.objects.get()
    assert len(simulator.sales) == 1
    assert push.remote_id == simulator.sales[0]["id"]
    assert push.attempts_made.filter(outcome="").count() == 1  # the interrupted try, on record
