"""The platform administrators' admin: the deployment's health and the outboxes, never the schools' content."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.functional import Promise
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from msem.accounts.models import User
from msem.mailing.delivery import outbox_deliver
from msem.mailing.models import OutgoingEmail
from msem.platform.heartbeat import heartbeat_enqueue, heartbeat_record, task_queues
from tests.factories import PASSWORD, MembershipFactory, SchoolFactory
from tests.inquiries.helpers import receive_inquiry
from tests.mailing.smtp_server import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator() -> User:
    return User.objects.create_superuser(email="ops@msem.test", password="x", language="en")


@pytest.fixture
def admin_client(administrator) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


def failed_emails(school, count: int = 1) -> list[OutgoingEmail]:
    for _ in range(count):
        receive_inquiry(school)
    emails = list(OutgoingEmail.objects.for_school(school).filter(kind="notification"))
    OutgoingEmail.objects.for_school(school).filter(pk__in=[e.pk for e in emails]).update(
        status="failed", attempts=10, last_error="550 mailbox unavailable"
    )
    return emails


def test_the_first_page_shows_the_workers_and_the_outbox_counts(admin_client, school, other_school):
    for queue_name in task_queues():
        heartbeat_record(queue_name=queue_name, queued_at=timezone.now())
    failed_emails(school, count=2)
    failed_emails(other_school)

    page = admin_client.get("/admin/").content.decode()

    assert "Health of the deployment" in page
    assert "last heartbeat" in page
    assert "Workers of the “mail” queue" in page
    assert "/admin/mailing/outgoingemail/?status__exact=failed" in page
    # Each school's failures, the school with the most first.
    assert page.index(school.name) < page.index(other_school.name)


def test_the_first_page_shows_e_mails_refused_for_a_quarter_of_an_hour_as_late(admin_client, school):
    """A relay that refuses everything: no e-mail is ever due for long, but they were written long ago."""
    for queue_name in task_queues():
        heartbeat_record(queue_name=queue_name, queued_at=timezone.now())
    receive_inquiry(school)
    OutgoingEmail.objects.for_school(school).update(
        created_at=timezone.now() - timedelta(minutes=15),
        next_attempt_at=timezone.now() + timedelta(minutes=4),
        attempts=5,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )

    page = admin_client.get("/admin/").content.decode()

    assert "Oldest not yet done, written" in page
    assert re.search(r"<strong>9\d\d s ago</strong>", page)


def test_a_queue_no_worker_serves_is_named_silent(admin_client, administrator):
    heartbeat_record(queue_name="default", queued_at=timezone.now())

    page = admin_client.get("/admin/").content.decode()

    assert "Workers of the “default” queue</th>" in page
    after_mail = page.split("Workers of the “mail” queue</th>")[1]
    assert after_mail.split("</tr>")[0].count("no heartbeat yet: does a worker serve this queue") == 1


def test_the_page_says_when_no_worker_ever_beat_in_the_administrators_language(admin_client, administrator):
    assert "no heartbeat yet" in admin_client.get("/admin/").content.decode()

    administrator.language = "fr"
    administrator.save()
    page = admin_client.get("/admin/").content.decode()
    assert "Santé de la plateforme" in page
    assert "aucun battement de cœur pour l’instant" in page


def test_the_email_list_shows_states_and_errors_but_not_recipients_or_content(admin_client, school):
    [email] = failed_emails(school)

    page = admin_client.get("/admin/mailing/outgoingemail/?status__exact=failed").content.decode()

    assert "550 mailbox unavailable" in page
    assert email.to_email not in page
    assert email.subject not in page


def test_failed_emails_can_be_put_back_in_the_queue(admin_client, school):
    [email] = failed_emails(school)

    admin_client.post(
        "/admin/mailing/outgoingemail/",
        {"action": "put_back_in_queue", "_selected_action": [email.pk]},
    )

    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("queued", 0, "")


def test_emails_retrying_are_tried_now_once_the_mail_server_is_back(admin_client, school, smtp_server, settings):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # the mail server is down
    receive_inquiry(school)
    receive_inquiry(school)
    assert outbox_deliver(time_budget=10).retried == 4
    already_failed = OutgoingEmail.objects.first()
    OutgoingEmail.objects.filter(pk=already_failed.pk).update(status="failed")
    waiting = OutgoingEmail.objects.filter(status="queued")
    assert waiting.count() == 3
    assert all(email.next_attempt_at > timezone.now() for email in waiting)
    settings.EMAIL_PORT = port  # the operator fixed it

    response = admin_client.post(
        "/admin/mailing/outgoingemail/",
        {"action": "try_now", "_selected_action": list(OutgoingEmail.objects.values_list("pk", flat=True))},
        follow=True,
    )

    assert "3 rows will be tried now." in response.content.decode()
    assert outbox_deliver(time_budget=10).sent == 3
    assert len(smtp_server.received) == 3
    already_failed.refresh_from_db()
    assert already_failed.status == "failed"  # "Put the failed ones back in the queue" is for these
    sent = OutgoingEmail.objects.filter(status="sent").exclude(pk=already_failed.pk)
    assert [email.attempts for email in sent] == [2, 2, 2]


def test_staff_of_a_school_cannot_open_the_admin(manager_client):
    response = manager_client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


class TestAdminLogin:
    """One password form, the back office's, throttled: the admin's own form would be a second, unthrottled one."""

    @pytest.fixture
    def administrator_with_password(self, db) -> User:
        return User.objects.create_superuser(email="root@msem.test", password=PASSWORD, full_name="Ops")

    def test_the_admin_sends_to_the_back_office_login_and_back(self, administrator_with_password):
        client = Client()
        to_login = client.get("/admin/login/?next=/admin/mailing/outgoingemail/")
        assert to_login["Location"] == "/backoffice/login/?next=%2Fadmin%2Fmailing%2Foutgoingemail%2F"

        logged_in = client.post(
            "/backoffice/login/",
            {"email": "root@msem.test", "password": PASSWORD, "next": "/admin/mailing/outgoingemail/"},
        )

        assert logged_in["Location"] == "/admin/mailing/outgoingemail/"
        assert client.get("/admin/mailing/outgoingemail/").status_code == 200

    def test_an_administrator_of_no_school_lands_on_the_admin_after_login(self, administrator_with_password):
        client = Client()
        logged_in = client.post("/backoffice/login/", {"email": "root@msem.test", "password": PASSWORD})

        assert logged_in["Location"] == "/backoffice/"
        landing = client.get("/backoffice/")
        assert (landing.status_code, landing["Location"]) == (302, "/admin/")
        assert client.get("/admin/").status_code == 200

    def test_a_password_posted_to_the_admin_login_is_not_even_checked(self, administrator_with_password):
        client = Client()
        response = client.post("/admin/login/", {"username": "root@msem.test", "password": PASSWORD})

        assert response.status_code == 302
        assert response["Location"].startswith("/backoffice/login/")
        assert "_auth_user_id" not in client.session

    def test_the_login_throttle_holds_for_administrators(self, administrator_with_password, settings):
        client = Client()
        attempt = {"email": "root@msem.test", "next": "/admin/"}
        for _ in range(settings.MSEM_LOGIN_FAILURES_PER_ADDRESS):
            client.post("/backoffice/login/", {**attempt, "password": "guess"})

        response = client.post("/backoffice/login/", {**attempt, "password": PASSWORD})

        assert response.status_code == 429
        assert client.get("/admin/")["Location"].startswith("/admin/login/")

    def test_a_next_outside_the_site_is_dropped(self, db):
        response = Client().get("/admin/login/?next=https://evil.test/")
        assert response["Location"] == "/backoffice/login/?next=%2Fadmin%2F"

    def test_staff_of_a_school_already_logged_in_is_refused_not_sent_round_in_circles(self, manager_client):
        assert manager_client.get("/admin/login/?next=/admin/").status_code == 403


class TestMembershipRows:
    """A membership reads "Marie Manager @ ESF Val Neige (Manager)", its school by name, without a query per row."""

    def test_a_membership_names_its_school(self, admin_client, school, manager):
        manager.full_name = "Marie Manager"
        manager.save(update_fields=["full_name"])

        page = admin_client.get(f"/admin/accounts/user/{manager.pk}/change/").content.decode()

        assert "Marie Manager @ ESF Val Neige (Manager)" in page

    def test_the_rows_of_a_school_and_of_a_user_cost_no_query_each(self, admin_client, school, other_school, manager):
        def queries(url: str) -> int:
            with CaptureQueriesContext(connection) as captured:
                assert admin_client.get(url).status_code == 200
            return len(captured)

        user_page, school_page = (
            f"/admin/accounts/user/{manager.pk}/change/",
            f"/admin/schools/school/{school.pk}/change/",
        )
        with_one = queries(user_page), queries(school_page)
        MembershipFactory(school=other_school, user=manager)
        third = SchoolFactory(name="ESF Troisième", slug="troisieme")
        MembershipFactory(school=third, user=manager)
        MembershipFactory(school=school)
        MembershipFactory(school=school)

        assert queries(user_page) == with_one[0]
        # On the school's page Django's autocomplete box of a row may read its one user: never its title.
        assert queries(school_page) <= with_one[1] + 2


def test_every_column_and_filter_of_the_admin_has_a_translated_name():
    """A field without verbose_name shows its Python name ("next_attempt_at" → "Next attempt at") in every language."""
    unnamed = []
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("msem."):
            continue  # the task queue's own admin is Django's
        for name in [*model_admin.list_display, *model_admin.list_filter]:
            if not isinstance(name, str):
                continue
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue  # a method: its @admin.display names it
            verbose_name = getattr(field, "_verbose_name", None) or getattr(field, "verbose_name", None)
            if not isinstance(verbose_name, Promise):
                unnamed.append(f"{model._meta.label}.{name}")
    assert unnamed == []


def test_the_email_list_speaks_french_to_a_french_administrator(admin_client, administrator, school):
    failed_emails(school)
    administrator.language = "fr"
    administrator.save(update_fields=["language"])

    page = admin_client.get("/admin/mailing/outgoingemail/").content.decode()

    for heading in [
        "Créé le",
        "École",
        "Type",
        "Statut",
        "Tentatives",
        "Prochaine tentative",
        "Par statut",
        "Par type",
    ]:
        assert heading in page
    for english in ["Created at", "Next attempt at", "Attempts", "Par status", "Par kind"]:
        assert english not in page


@pytest.mark.parametrize("path", ["/admin/", "/admin/schools/school/", "/admin/schools/school/add/"])
def test_every_admin_page_names_its_icon_so_the_browser_asks_for_no_favicon_ico(admin_client, path):
    """Operator walk: each admin page made the browser ask for /favicon.ico, a 404 and a WARNING line each."""
    page = admin_client.get(path).content.decode()

    assert re.search(r'<link rel="icon" href="/static/img/favicon(\.\w+)?\.svg" type="image/svg\+xml">', page)


class TestTheTaskQueueSection:
    """Operator walk: the admin spoke French to a French administrator, but for the task queue's section."""

    def test_its_section_and_list_speak_french_to_a_french_administrator(self, admin_client, administrator):
        administrator.language = "fr"
        administrator.save(update_fields=["language"])
        heartbeat_enqueue("default")  # one task waiting for a worker, to list

        index = admin_client.get("/admin/").content.decode()
        listing = admin_client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()

        assert "Tâches d’arrière-plan" in index
        assert "Résultats de tâches" in index
        for english in ["Tasks Database Backend", "Task Results"]:
            assert english not in index
        for heading in ["Tâche", "Statut", "Mise en file le", "Priorité", "Nom de la file", "Par statut", "Prête"]:
            assert heading in listing
        for english in ["Task name", "Enqueued at", "Queue name", "By status"]:
            assert english not in listing
        task = admin_client.get(f"/admin/django_tasks_database/dbtaskresult/{DBTaskResult.objects.get().pk}/change/")
        labels = re.findall(r"<label>([^<]*?)\s*:</label>", task.content.decode())
        assert labels[:3] == ["ID", "Statut", "Mise en file le"]
        assert "Trace d’appels" in labels

    def test_its_section_speaks_english_to_an_english_administrator(self, admin_client):
        index = admin_client.get("/admin/").content.decode()

        assert "Background tasks" in index
        assert "Task Results" in index

    def test_every_name_of_a_task_result_has_its_french(self):
        names = [field.verbose_name for field in DBTaskResult._meta.fields if isinstance(field.verbose_name, Promise)]
        names += [DBTaskResult._meta.verbose_name, DBTaskResult._meta.verbose_name_plural]
        names += [label for _value, label in TaskResultStatus.choices]
        with translation.override("en"):
            english = [str(name) for name in names]
        with translation.override("fr"):
            french = [str(name) for name in names]

        assert [word for word, translated in zip(english, french, strict=True) if word == translated] == []
