"""What an operator reads on the `msem.security` log: logins, refusals, changes of rights, settings, client data.

Each test does what a user does (over HTTP where there is a page for it) and
reads the lines as the production formatter writes them.
"""

from __future__ import annotations

import json
import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from msem.accounts.models import Role, User
from msem.accounts.services import membership_grant
from msem.platform.json_logs import JsonFormatter, PlainFormatter
from msem.platform.security_events import email_digest, security_event
from tests.backoffice.test_settings_page import page_data, post
from tests.factories import PASSWORD, UserFactory
from tests.log_lines import json_lines_of
from tests.public_site.test_contact_form import filled_form, past_minimum_fill_time, submit  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

LOGIN = "/backoffice/login/"


class Lines(list):
    def events(self, name: str) -> list[dict]:
        return [line for line in map(json.loads, self) if line["event"] == name]


@pytest.fixture
def security_log():
    """The security log as the production formatter writes it."""
    with json_lines_of("msem.security", Lines()) as lines:
        yield lines


def log_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(LOGIN, {"email": email, "password": password})


class TestAuthentication:
    def test_a_login_is_on_record_with_the_user_and_the_method_not_the_address(self, manager, security_log):
        log_in(Client(), manager.email)

        [line] = security_log.events("login.succeeded")
        assert line["user_id"] == manager.pk
        assert line["method"] == "password"
        assert line["ip_address"] == "127.0.0.1"
        assert line["level"] == "INFO"
        assert "request_id" in line
        assert line["time"].endswith("+00:00")  # UTC, whatever the server's zone
        assert manager.email not in "".join(security_log)
        assert PASSWORD not in "".join(security_log)

    def test_a_failed_login_is_a_warning_with_the_address_hashed(self, manager, security_log):
        log_in(Client(), manager.email, "not-the-password")

        [line] = security_log.events("login.failed")
        assert line["level"] == "WARNING"
        assert line["email_hash"] == email_digest(manager.email)
        assert manager.email not in "".join(security_log)
        assert "not-the-password" not in "".join(security_log)

    def test_the_hash_is_the_same_for_the_same_address_however_typed(self):
        assert email_digest("Manager@ValNeige.test ") == email_digest("manager@valneige.test")
        assert email_digest("manager@valneige.test") != email_digest("secretaire@valneige.test")

    def test_a_throttled_login_is_on_record(self, manager, security_log):
        client = Client()
        for _ in range(settings.MSEM_LOGIN_FAILURES_PER_ADDRESS):
            log_in(client, manager.email, "wrong")

        assert log_in(client, manager.email).status_code == 429

        [line] = security_log.events("login.throttled")
        assert line["email_hash"] == email_digest(manager.email)
        assert line["wait_minutes"] == 15
        assert len(security_log.events("login.failed")) == settings.MSEM_LOGIN_FAILURES_PER_ADDRESS
        assert not security_log.events("login.succeeded")

    def test_a_logout_is_on_record(self, manager, security_log):
        client = Client()
        log_in(client, manager.email)
        client.post(reverse("backoffice:logout"))

        [line] = security_log.events("logout")
        assert line["user_id"] == manager.pk


class TestAuthorization:
    def test_another_schools_page_is_a_refusal_on_record(self, manager_client, manager, other_school, security_log):
        response = manager_client.get(reverse("backoffice:inquiries", kwargs={"school_slug": other_school.slug}))

        assert response.status_code == 404
        [line] = security_log.events("authorization.denied")
        assert line["user_id"] == manager.pk
        assert line["school_slug"] == other_school.slug
        assert line["reason"] == "not a member of the school"

    def test_a_secretary_on_a_managers_page_is_a_warning(self, secretary_client, secretary, school, security_log):
        response = secretary_client.get(reverse("backoffice:personal_data", kwargs={"school_slug": school.slug}))

        assert response.status_code == 403
        [line] = security_log.events("authorization.denied")
        assert line["level"] == "WARNING"
        assert line["user_id"] == secretary.pk
        assert line["route"] == "backoffice/<slug:school_slug>/personal-data/"

    def test_a_post_without_its_csrf_token_is_on_record(self, manager, school, security_log):
        client = Client(enforce_csrf_checks=True)
        client.force_login(manager)

        response = client.post(reverse("backoffice:settings", kwargs={"school_slug": school.slug}), {})

        assert response.status_code == 403
        [line] = security_log.events("csrf.refused")
        assert line["user_id"] == manager.pk
        assert "CSRF" in line["reason"]


class TestChanges:
    def test_a_new_role_in_a_school_is_on_record(self, school, security_log):
        user = UserFactory()
        membership_grant(school=school, user=user, role=Role.SECRETARY)
        membership_grant(school=school, user=user, role=Role.MANAGER)

        granted, changed = security_log.events("membership.granted"), security_log.events("membership.changed")
        assert [(line["target_user_id"], line["role"]) for line in granted] == [(user.pk, "secretary")]
        assert [(line["target_user_id"], line["role"]) for line in changed] == [(user.pk, "manager")]

    def test_a_user_made_administrator_or_given_a_new_password_is_on_record(self, security_log):
        user = User.objects.create_user("ops@msem.test", "a first long password", full_name="Ops")
        user.is_staff = True
        user.save()
        user.set_password("another long password")
        user.save()

        assert [line["target_user_id"] for line in security_log.events("user.created")] == [user.pk]
        lines = security_log.events("user.changed")
        assert [line["changed"] for line in lines] == [["is_staff"], ["password"]]
        assert lines[0]["is_staff"] is True
        assert "password" not in lines[1]
        assert "another long password" not in "".join(security_log)

    def test_a_settings_save_is_on_record_without_the_content(self, manager_client, manager, school, security_log):
        data = page_data(manager_client, school)
        data["subjects-0-email"] = ["accueil@valneige.test"]

        post(manager_client, school, data)

        [line] = security_log.events("settings.saved")
        assert line["user_id"] == manager.pk
        assert line["school_id"] == school.pk
        assert line["changed"] == ["subjects"]
        assert "accueil@valneige.test" not in "".join(security_log)

    def test_a_clients_data_export_and_erasure_are_on_record_without_the_address(
        self, manager_client, manager, school, security_log
    ):
        url = reverse("backoffice:personal_data", kwargs={"school_slug": school.slug})
        client_address = "claire.martin@example.org"

        manager_client.post(url, {"email": client_address, "action": "export"})
        manager_client.post(url, {"email": client_address, "action": "erase", "confirm": "on"})

        assert [line["user_id"] for line in security_log.events("personal_data.exported")] == [manager.pk]
        assert [line["user_id"] for line in security_log.events("personal_data.erased")] == [manager.pk]
        assert client_address not in "".join(security_log)


class TestAntiAutomation:
    @pytest.mark.usefixtures("past_minimum_fill_time")
    def test_a_flood_from_one_address_is_on_record_with_the_limit_and_the_address(self, school, settings, security_log):
        settings.MSEM_INTAKE_LIMIT_PER_IP = "1/3600"
        for number in range(2):
            client = Client()
            submit(client, school, filled_form(client, school, email=f"client{number}@example.org"))

        [line] = security_log.events("intake.rate_limited")
        assert line["limits"] == ["ip"]
        assert line["ip_address"] == "127.0.0.1"
        assert line["school_id"] == school.pk
        assert line["email_hash"] == email_digest("client1@example.org")
        assert "client1@example.org" not in "".join(security_log)

    def test_a_request_held_as_a_robots_is_on_record_with_the_reason(self, school, security_log):
        client = Client()
        submit(client, school, filled_form(client, school))  # at once: faster than a person types

        [line] = security_log.events("intake.quarantined")
        assert line["reason"] == "too_fast"
        assert line["ip_address"] == "127.0.0.1"


class TestLogInjection:
    def test_a_line_break_in_a_value_cannot_forge_a_second_line(self, caplog):
        caplog.set_level(logging.INFO, logger="msem.security")
        security_event("login.failed", reason="wrong\nINFO msem.security login.succeeded user_id=1")

        [record] = caplog.records
        plain = PlainFormatter("%(levelname)s %(name)s %(message)s").format(record)
        assert "\n" not in plain
        assert "\n" not in JsonFormatter().format(record)
