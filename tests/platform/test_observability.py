"""What an operator sees: request ids, log lines naming the school, the health endpoints."""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from msem.connector4807.pushing import push_sales
from msem.inquiries.quarantine import purge_quarantine
from msem.inquiries.search_indexes import school_search_indexes_task
from msem.mailing.delivery import deliver_outbox, outbox_deliver
from msem.mailing.models import OutgoingEmail
from msem.platform.heartbeat import heartbeat_record, task_queues, worker_heartbeat
from msem.platform.json_logs import JsonFormatter
from msem.platform.models import WorkerHeartbeat
from msem.platform.scheduling import periodic_enqueue, prune_task_results
from msem.quotes.services import expire_quotes
from tests.inquiries.helpers import receive_inquiry
from tests.log_lines import json_lines_of
from tests.mailing.smtp_server import free_port
from tests.quotes.helpers import sent_quote

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log_lines():
    """The access log as the production formatter writes it."""
    with json_lines_of("msem.request") as lines:
        yield lines


class TestRequestIds:
    def test_each_response_carries_a_new_request_id(self, school):
        first = Client().get(f"/fr/{school.slug}/contact/")
        second = Client().get(f"/fr/{school.slug}/contact/")
        assert len(first["X-Request-ID"]) == 32
        assert first["X-Request-ID"] != second["X-Request-ID"]

    def test_the_proxys_request_id_is_kept_when_sane(self, school):
        response = Client().get(f"/fr/{school.slug}/contact/", HTTP_X_REQUEST_ID="lb-7f3a9c21-0001")
        assert response["X-Request-ID"] == "lb-7f3a9c21-0001"

    def test_a_forged_request_id_is_replaced(self, school):
        response = Client().get(f"/fr/{school.slug}/contact/", HTTP_X_REQUEST_ID='x"}\n{"level": "ERROR"')
        assert response["X-Request-ID"] != 'x"}\n{"level": "ERROR"'
        assert len(response["X-Request-ID"]) == 32


class TestLogLines:
    def test_one_json_line_per_request_with_its_id_and_school(self, school, json_log_lines):
        response = Client().get(f"/en/{school.slug}/contact/")

        [line] = [json.loads(text) for text in json_log_lines]
        assert line["request_id"] == response["X-Request-ID"]
        assert line["school"] == school.slug
        assert line["status"] == 200
        assert line["http_method"] == "GET"
        assert line["level"] == "INFO"
        assert line["duration_ms"] >= 0

    def test_secret_tokens_in_addresses_never_reach_the_log(self, school, manager, json_log_lines):
        quote = sent_quote(school, manager)
        Client().get(f"/fr/{school.slug}/quote/{quote.token}/")

        assert json_log_lines
        assert all(quote.token not in text for text in json_log_lines)
        assert "quote/(?P<token>" in json.loads(json_log_lines[-1])["route"]

    def test_djangos_own_lines_about_a_wrong_link_do_not_repeat_its_token(self, school):
        token = "a-guessed-token-0123456789abcdef"
        with json_lines_of("django.request") as lines:
            assert Client().get(f"/fr/{school.slug}/quote/{token}/").status_code == 404
            assert Client().get(f"/fr/pay/{token}/").status_code in (200, 404)
        assert lines
        assert all(token not in line for line in lines)

    def test_a_signed_in_users_id_is_logged_not_their_address(self, manager_client, school, manager, json_log_lines):
        manager_client.get(f"/backoffice/{school.slug}/inquiries/")

        line = json.loads(json_log_lines[-1])
        assert line["user_id"] == manager.pk
        assert manager.email not in json_log_lines[-1]

    def test_a_workers_log_line_about_an_email_names_its_school(self, school, settings, caplog):
        receive_inquiry(school)
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nobody listens
        with json_lines_of("msem.outbox.worker") as lines:
            deliver_outbox.call()

        failures = [json.loads(line) for line in lines if "not done" in line]
        assert len(failures) == 2
        assert {failure["school"] for failure in failures} == {school.slug}

    def test_a_log_line_inside_a_request_carries_the_request_id(self, school, caplog):
        formatter = JsonFormatter()
        with caplog.at_level(logging.WARNING):
            response = Client().post(f"/api/v1/schools/{school.slug}/inquiries", "{", content_type="application/json")
        assert response.status_code == 400
        for record in caplog.records:
            assert json.loads(formatter.format(record)).get("request_id") in (None, response["X-Request-ID"])


def beat_on_every_queue(*, lag: timedelta = timedelta(0)) -> None:
    for queue_name in task_queues():
        heartbeat_record(queue_name=queue_name, queued_at=timezone.now() - lag)


class TestHealth:
    def test_all_well(self, client):
        beat_on_every_queue(lag=timedelta(milliseconds=250))

        response = client.get("/health/")

        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok"
        assert body["database"]["ok"] is True
        assert body["workers"]["ok"] is True
        assert body["workers"]["queue_lag_ms"] >= 250
        assert set(body["workers"]["queues"]) == {"default", "mail", "connector4807"}
        assert all(queue["ok"] and queue["queue_lag_ms"] >= 250 for queue in body["workers"]["queues"].values())
        assert set(body["outboxes"]) == {"emails", "sale_pushes"}
        assert response["Cache-Control"].startswith("max-age=0")

    def test_silent_workers_fail_the_check_but_not_readiness(self, client):
        WorkerHeartbeat.objects.create(worker="gone:1", beat_at=timezone.now() - timedelta(minutes=10))

        response = client.get("/health/")

        assert response.status_code == 503
        assert response.json()["workers"]["ok"] is False
        assert client.get("/health/ready/").status_code == 200

    def test_a_queue_no_worker_serves_fails_the_check_and_is_named(self, client):
        """Workers of every queue but "mail" (started with --exclude-queues mail, say, and nothing else)."""
        for queue_name in ("default", "connector4807"):
            heartbeat_record(queue_name=queue_name, queued_at=timezone.now())

        response = client.get("/health/")

        assert response.status_code == 503
        workers = response.json()["workers"]
        assert workers["ok"] is False
        assert {name: queue["ok"] for name, queue in workers["queues"].items()} == {
            "default": True,
            "mail": False,
            "connector4807": True,
        }
        # The top-level fields are the silent queue's.
        assert (workers["last_beat_at"], workers["beat_age_seconds"]) == (None, None)

    def test_a_queue_whose_workers_went_silent_fails_the_check(self, client):
        beat_on_every_queue()
        silent_since = timezone.now() - timedelta(minutes=10)
        WorkerHeartbeat.objects.filter(queue_name="connector4807").update(beat_at=silent_since)

        workers = client.get("/health/").json()["workers"]

        assert workers["ok"] is False
        assert workers["queues"]["connector4807"]["ok"] is False
        assert workers["beat_age_seconds"] >= 600

    def test_no_heartbeat_ever_is_a_failure(self, client):
        silent = {"ok": False, "last_beat_at": None, "beat_age_seconds": None, "queue_lag_ms": None}
        assert client.get("/health/").json()["workers"] == {
            **silent,
            "queues": {"connector4807": silent, "default": silent, "mail": silent},
        }

    def test_e_mails_waiting_too_long_fail_the_check_with_the_backlog(self, client, school):
        beat_on_every_queue()
        receive_inquiry(school)  # a notification and an acknowledgement, queued
        OutgoingEmail.objects.for_school(school).update(next_attempt_at=timezone.now() - timedelta(minutes=15))
        OutgoingEmail.objects.for_school(school).filter(kind="notification").update(status="failed")

        response = client.get("/health/")

        assert response.status_code == 503
        emails = response.json()["outboxes"]["emails"]
        assert (emails["ok"], emails["pending"], emails["failed"]) == (False, 1, 1)
        assert emails["oldest_due_seconds"] >= 15 * 60

    def test_a_relay_refusing_every_e_mail_fails_the_check_once_they_waited_too_long(self, client, school, settings):
        """SMTP down: each try puts the e-mail's next attempt later, so none is ever "due" for long."""
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
        beat_on_every_queue()
        receive_inquiry(school)
        outbox_deliver()
        assert client.get("/health/").status_code == 200  # a short outage is not an alert
        # A quarter of an hour later, tried again and still refused.
        written = timezone.now() - timedelta(minutes=15)
        OutgoingEmail.objects.for_school(school).update(created_at=written, next_attempt_at=timezone.now())
        assert outbox_deliver().retried == 2

        response = client.get("/health/")

        assert response.status_code == 503
        emails = response.json()["outboxes"]["emails"]
        assert (emails["ok"], emails["pending"], emails["oldest_due_seconds"]) == (False, 2, None)
        assert emails["oldest_pending_seconds"] >= 15 * 60
        assert "Connection refused" in OutgoingEmail.objects.for_school(school).first().last_error

    def test_only_get(self, client):
        assert client.post("/health/").status_code == 405


class TestHeartbeat:
    def test_the_scheduler_queues_one_beat_per_queue_and_no_pile_when_workers_are_down(self):
        clock = periodic_enqueue()
        periodic_enqueue(clock=clock)  # a minute later, say: the workers took nothing meanwhile
        waiting = Counter(DBTaskResult.objects.filter(status="READY").values_list("task_path", "queue_name"))
        expected = {
            (worker_heartbeat.module_path, "default"): 1,
            (worker_heartbeat.module_path, "mail"): 1,
            (worker_heartbeat.module_path, "connector4807"): 1,
            (deliver_outbox.module_path, "mail"): 1,
            (push_sales.module_path, "connector4807"): 1,
            (purge_quarantine.module_path, "default"): 1,  # hourly
            (prune_task_results.module_path, "default"): 1,  # hourly
            (expire_quotes.module_path, "default"): 1,  # hourly
        }
        if connection.vendor == "postgresql":
            expected[(school_search_indexes_task.module_path, "default")] = 1  # hourly, PostgreSQL only
        assert waiting == expected

    def test_the_scheduler_says_it_started_and_how_often_it_ticks(self, caplog):
        with caplog.at_level(logging.INFO, logger="msem.platform.management.commands.schedule"):
            call_command("schedule", "--once", "--interval", "30")
        assert "scheduler started: enqueues periodic work every 30.0 s" in caplog.messages

    @pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
    def test_a_worker_records_the_beat_of_the_queue_it_serves_and_the_lag(self):
        queued_at = (timezone.now() - timedelta(seconds=2)).isoformat()
        for queue_name in task_queues():
            worker_heartbeat.using(queue_name=queue_name).enqueue(queued_at)

        call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "mail", verbosity=0)

        [beat] = WorkerHeartbeat.objects.all()
        assert (beat.queue_name, beat.lag_ms >= 2000) == ("mail", True)
        assert ":" in beat.worker

        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", "--exclude-queues", "mail", verbosity=0
        )

        assert sorted(WorkerHeartbeat.objects.values_list("queue_name", flat=True)) == [
            "connector4807",
            "default",
            "mail",
        ]

    def test_workers_gone_for_a_day_are_forgotten(self):
        WorkerHeartbeat.objects.create(worker="old:1", beat_at=timezone.now() - timedelta(days=2))
        heartbeat_record(queue_name="default", queued_at=timezone.now())
        assert list(WorkerHeartbeat.objects.values_list("worker", flat=True)) != ["old:1"]
        assert WorkerHeartbeat.objects.count() == 1

    def test_runs_left_running_by_a_dead_worker_are_forgotten_after_a_day(self):
        """A worker killed, or cut from the database, mid-run never writes the outcome of its run."""
        abandoned, current = deliver_outbox.enqueue(), push_sales.enqueue()
        DBTaskResult.objects.filter(pk=abandoned.id).update(
            status="RUNNING", started_at=timezone.now() - timedelta(days=2)
        )
        DBTaskResult.objects.filter(pk=current.id).update(status="RUNNING", started_at=timezone.now())

        prune_task_results.call()

        assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [push_sales.module_path]
