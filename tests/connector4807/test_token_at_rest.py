"""A school's 4807 token is sealed at rest: a dump, a backup or an SQL injection does not give it.

Sealed like the TOTP secrets (msem/platform/secret_box.py): the gateway still reaches 4807 with it,
a box copied onto another school does not open, a SECRET_KEY rotation keeps it through
SECRET_KEY_FALLBACKS and `seal_secrets_again`, and a token no key opens sends nothing to 4807.
"""

from __future__ import annotations

import io
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from msem.accounts.models import User
from msem.audit.models import AuditRecord
from msem.connector4807.models import SalePush
from msem.connector4807.pushing import sales_push_due
from msem.connector4807.services import CodeCheck, catalog_code_check
from msem.connector4807.simulator import Simulator, demo_establishment
from msem.schools.models import ConnectorTokenUnreadable, School
from msem.schools.services import school_connector_token_set
from tests.connector4807.test_connector import paid_sale, push_due_now
from tests.html_forms import flatten, form_data, page_text

pytestmark = pytest.mark.django_db

TOKEN = "valneige-4807-token-Zq8"
OLD_KEY = "the-secret-key-before-the-rotation-" + "x" * 20
NEW_KEY = "the-secret-key-after-the-rotation-" + "y" * 20


@pytest.fixture
def simulator(settings):
    server = Simulator(establishments={TOKEN: demo_establishment()}).start()
    settings.MSEM_4807_URL = server.url
    settings.MSEM_4807_TOKEN = ""  # only the school's own token opens its account
    settings.MSEM_4807_CONNECT_TIMEOUT = 1
    settings.MSEM_4807_READ_TIMEOUT = 1
    settings.MSEM_4807_RETRY_BASE_SECONDS = 1
    settings.MSEM_4807_RETRY_MAX_SECONDS = 2
    yield server
    server.stop()


def raw_school_row(school_id: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM schools_school WHERE id = %s", [school_id])
        return cursor.fetchone()


def box_of(school_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT connector_token_box FROM schools_school WHERE id = %s", [school_id])
        return cursor.fetchone()[0]


def admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser(email="ops@msem.test", password="x", language="en"))
    return client


def test_the_token_is_not_in_the_database_in_clear(school):
    school_connector_token_set(school=school, token=TOKEN)

    row = raw_school_row(school.pk)
    assert not any(TOKEN in str(value) for value in row)
    assert box_of(school.pk)  # but a box is there
    assert School.objects.get(pk=school.pk).connector_token_get() == TOKEN


def test_a_token_typed_in_the_admin_is_sealed_too(school):
    client = admin_client()
    url = f"/admin/schools/school/{school.pk}/change/"
    data = form_data(client.get(url).content.decode(), "school_form")
    data.update({"connector_token": [TOKEN], "_save": ["Save"]})
    assert client.post(url, flatten(data)).status_code == 302

    assert not any(TOKEN in str(value) for value in raw_school_row(school.pk))
    assert School.objects.get(pk=school.pk).connector_token_get() == TOKEN


def test_the_gateway_reaches_4807_with_the_sealed_token(school, manager, simulator):
    school_connector_token_set(school=school, token=TOKEN)
    assert catalog_code_check(school=school, code="CE-ALPES").status == CodeCheck.KNOWN

    push = paid_sale(school, manager)
    assert sales_push_due(time_budget=10).sent == 1

    [sale] = simulator.sales
    push.refresh_from_db()
    assert (push.status, push.remote_id) == ("sent", sale["id"])


def test_a_box_copied_onto_another_school_does_not_open(school, other_school, simulator):
    school_connector_token_set(school=school, token=TOKEN)
    School.objects.filter(pk=other_school.pk).update(connector_token_box=box_of(school.pk))
    other_school.refresh_from_db()

    with pytest.raises(ConnectorTokenUnreadable):
        other_school.connector_token_get()
    assert catalog_code_check(school=other_school, code="CE-ALPES").status == CodeCheck.UNREACHABLE
    assert catalog_code_check(school=school, code="CE-ALPES").status == CodeCheck.KNOWN


class TestSecretKeyRotation:
    def test_the_old_key_as_a_fallback_keeps_the_token_and_sealing_again_lets_it_go(
        self, school, manager, simulator, settings
    ):
        settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
        school_connector_token_set(school=school, token=TOKEN)
        old_box = box_of(school.pk)

        settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
        assert catalog_code_check(school=school, code="CE-ALPES").status == CodeCheck.KNOWN

        call_command("seal_secrets_again", stdout=io.StringIO())
        assert box_of(school.pk) != old_box

        settings.SECRET_KEY_FALLBACKS = []
        paid_sale(school, manager)
        assert sales_push_due(time_budget=10).sent == 1
        assert len(simulator.sales) == 1

    def test_sealing_again_leaves_a_box_already_under_the_current_key_alone(self, school, capsys):
        school_connector_token_set(school=school, token=TOKEN)
        box = box_of(school.pk)

        call_command("seal_secrets_again")

        assert box_of(school.pk) == box
        assert "0 TOTP secrets, 0 4807 tokens" in capsys.readouterr().out

    def test_sealing_again_names_the_school_whose_token_no_key_opens(self, school, settings, capsys):
        settings.SECRET_KEY = OLD_KEY
        school_connector_token_set(school=school, token=TOKEN)
        settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, []

        with pytest.raises(CommandError):
            call_command("seal_secrets_again")

        assert "The 4807 token of school valneige opens with no key" in capsys.readouterr().err


class TestATokenNoKeyOpens:
    """SECRET_KEY changed without the old key in the fallbacks: the token must be typed again."""

    @pytest.fixture
    def lost_token(self, school, settings):
        settings.SECRET_KEY = OLD_KEY
        school_connector_token_set(school=school, token=TOKEN)
        settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, []
        return school

    def test_the_push_records_why_sends_nothing_and_goes_once_the_token_is_typed_again(
        self, lost_token, manager, simulator, caplog
    ):
        caplog.set_level(logging.ERROR, logger="msem.connector4807.gateway")
        push = paid_sale(lost_token, manager)

        assert sales_push_due(time_budget=10).retried == 1

        push.refresh_from_db()
        assert push.status == SalePush.Status.QUEUED
        assert "the 4807 token of school valneige cannot be read" in push.last_error
        assert simulator.sales == []
        assert any("school valneige" in record.getMessage() for record in caplog.records)

        client = admin_client()
        url = f"/admin/schools/school/{lost_token.pk}/change/"
        page = client.get(url)
        assert page.status_code == 200
        text = page_text(page)
        assert "The 4807 token of ESF Val Neige cannot be read any more (SECRET_KEY changed): enter it again." in text
        assert "The saved token cannot be read" in text

        data = form_data(page.content.decode(), "school_form")
        data.update({"connector_token": [TOKEN], "_save": ["Save"]})
        assert client.post(url, flatten(data)).status_code == 302
        [record] = AuditRecord.objects.for_school(lost_token)
        assert (record.before, record.after) == (
            {"connector_token": "secret:set"},
            {"connector_token": "secret:changed"},
        )

        push_due_now()
        assert sales_push_due(time_budget=10).sent == 1
        assert len(simulator.sales) == 1

    def test_the_back_office_keeps_working_and_the_code_is_kept_to_check_later(
        self, lost_token, manager_client, simulator
    ):
        response = manager_client.post(
            reverse("backoffice:settings_catalog_code", kwargs={"school_slug": lost_token.slug}),
            {"new_catalog_code": "CE-ALPES"},
        )

        assert response.status_code == 200
        assert 'name="catalog_codes" value="CE-ALPES"' in page_text(response)
        assert manager_client.get(reverse("backoffice:settings", kwargs={"school_slug": "valneige"})).status_code == 200

    def test_the_administrator_can_remove_it(self, lost_token):
        client = admin_client()
        url = f"/admin/schools/school/{lost_token.pk}/change/"
        data = form_data(client.get(url).content.decode(), "school_form")
        data.update({"connector_token_remove": ["on"], "_save": ["Save"]})
        assert client.post(url, flatten(data)).status_code == 302

        lost_token.refresh_from_db()
        assert (lost_token.connector_token_box, lost_token.connector_token_get()) == ("", "")


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_an_existing_token_and_its_reverse_opens_it():
    before, after = [("schools", "0005_field_labels")], [("schools", "0006_connector_token_sealed")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        OldSchool = executor.loader.project_state(before).apps.get_model("schools", "School")
        school = OldSchool.objects.create(
            name="ESF Ancienne", slug="ancienne", main_email="a@ancienne.test", legal_footer_fr="-", legal_footer_en="-"
        )
        OldSchool.objects.filter(pk=school.pk).update(connector_token=TOKEN)
        without = OldSchool.objects.create(
            name="ESF Sans", slug="sans", main_email="s@sans.test", legal_footer_fr="-", legal_footer_en="-"
        )

        executor = MigrationExecutor(connection)
        executor.migrate(after)

        assert not any(TOKEN in str(value) for value in raw_school_row(school.pk))
        assert School.objects.get(pk=school.pk).connector_token_get() == TOKEN
        assert box_of(without.pk) == ""

        executor = MigrationExecutor(connection)
        executor.migrate(before)

        with connection.cursor() as cursor:
            cursor.execute("SELECT id, connector_token FROM schools_school ORDER BY id")
            assert cursor.fetchall() == [(school.pk, TOKEN), (without.pk, "")]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
