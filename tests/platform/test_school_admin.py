"""Platform administrators edit a school in Django's admin: the school's managers see it, and it is on record."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from msem.accounts.models import User
from msem.audit.models import AuditRecord
from msem.inquiries.selectors import subjects_live
from msem.schools.models import School
from msem.schools.services import school_connector_token_set
from tests.html_forms import flatten, form_data, page_text

pytestmark = pytest.mark.django_db

IBAN = "FR7630006000011234567890189"


@pytest.fixture
def administrator() -> User:
    return User.objects.create_superuser(email="ops@msem.test", password="x", full_name="Olga Ops", language="en")


@pytest.fixture
def admin_client(administrator) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


def change_url(school: School) -> str:
    return f"/admin/schools/school/{school.pk}/change/"


def admin_save(client: Client, school: School, **changes: str) -> None:
    """Post the admin's change form as a browser would, with `changes` typed in."""
    data = form_data(client.get(change_url(school)).content.decode(), "school_form")
    data.update({name: [value] for name, value in changes.items()})
    data["_save"] = ["Save"]
    response = client.post(change_url(school), flatten(data))
    assert response.status_code == 302, page_text(response)


class TestAChangeByThePlatformIsOnRecord:
    def test_the_audit_record_keeps_the_changed_fields_before_and_after(self, admin_client, administrator, school):
        admin_save(
            admin_client,
            school,
            iban=IBAN,
            legal_footer_fr="ESF Val Neige, SIRET 123",
            website_origins="https://www.valneige.test",
        )

        [record] = AuditRecord.objects.for_school(school)
        assert record.action == AuditRecord.Action.SCHOOL_CHANGED_BY_PLATFORM
        assert (record.actor, record.actor_email) == (administrator, "ops@msem.test")
        assert record.after == {
            "website_origins": "https://www.valneige.test",
            "legal_footer_fr": "ESF Val Neige, SIRET 123",
            "iban": IBAN,
        }
        assert record.before["iban"] == ""
        assert set(record.before) == set(record.after)
        school.refresh_from_db()
        assert school.iban == IBAN

    def test_a_new_4807_token_is_recorded_as_changed_never_its_value(self, admin_client, school, caplog):
        caplog.set_level(logging.INFO, logger="msem.security")
        school_connector_token_set(school=school, token="old-token-value")

        admin_save(admin_client, school, connector_token="new-token-value")

        [record] = AuditRecord.objects.for_school(school)
        assert (record.before, record.after) == (
            {"connector_token": "secret:set"},
            {"connector_token": "secret:changed"},
        )
        school.refresh_from_db()
        assert school.connector_token_get() == "new-token-value"
        [event] = [line for line in caplog.records if getattr(line, "event", "") == "school.changed_by_platform"]
        assert (event.school_id, event.changed) == (school.pk, ["connector_token"])
        assert "token-value" not in caplog.text

    def test_saving_without_a_change_writes_no_record(self, admin_client, school):
        admin_save(admin_client, school)

        assert not AuditRecord.objects.for_school(school).exists()

    def test_lines_posted_with_crlf_as_browsers_do_are_no_change(self, admin_client, school):
        school.website_origins = "https://www.valneige.test\nhttps://valneige.test"
        school.save(update_fields=["website_origins"])

        admin_save(admin_client, school, website_origins="https://www.valneige.test\r\nhttps://valneige.test")

        assert not AuditRecord.objects.for_school(school).exists()

    def test_an_invalid_iban_is_refused_and_nothing_is_recorded(self, admin_client, school):
        data = form_data(admin_client.get(change_url(school)).content.decode(), "school_form")
        data["iban"] = ["FR76 0000"]

        response = admin_client.post(change_url(school), flatten(data))

        assert response.status_code == 200
        assert not AuditRecord.objects.for_school(school).exists()

    @pytest.mark.parametrize(
        ("language", "expected"),
        [
            ("en", ["by the platform's administrators", "School's details (set by the platform)", "new one"]),
            ("fr", ["par les administrateurs de la plateforme", "Informations de l’école", "nouvelle valeur"]),
        ],
    )
    def test_its_managers_see_it_in_their_history(self, admin_client, school, manager_client, language, expected):
        User.objects.filter(email="manager@valneige.test").update(language=language)
        school_connector_token_set(school=school, token="old-token-value")
        admin_save(admin_client, school, iban=IBAN, connector_token="new-token-value")

        page = page_text(
            manager_client.get(reverse("backoffice:settings_history", kwargs={"school_slug": school.slug}))
        )

        for text in [*expected, "IBAN", IBAN]:
            assert text in page
        for text in ["Olga Ops", "ops@msem.test", "token-value"]:
            assert text not in page

    def test_another_school_sees_nothing_of_it(self, admin_client, school, other_school):
        admin_save(admin_client, school, iban=IBAN)

        assert not AuditRecord.objects.for_school(other_school).exists()


def test_a_school_created_in_the_admin_starts_with_its_subject_and_footers(admin_client):
    data = form_data(admin_client.get("/admin/schools/school/add/").content.decode(), "school_form")
    data.update(name=["ESF Neuve"], slug=["neuve"], main_email=["info@neuve.test"], _save=["Save"])

    response = admin_client.post("/admin/schools/school/add/", flatten(data))

    assert response.status_code == 302, page_text(response)
    school = School.objects.get(slug="neuve")
    assert school.legal_footer_fr
    assert [subject.email for subject in subjects_live(school=school)] == ["info@neuve.test"]


def test_the_slugs_help_shows_an_address_made_from_an_example_not_an_empty_one(admin_client):
    page = admin_client.get("/admin/schools/school/add/").content.decode()

    assert "“les-aiguilles” gives /fr/les-aiguilles/contact/." in page
    assert "/fr//contact/" not in page
    assert "/fr/<slug>/" not in page  # an unknown tag to the browser: it showed "/fr//contact/"


class TestThe4807TokenIsNeverShown:
    @pytest.fixture
    def school_with_token(self, school) -> School:
        school_connector_token_set(school=school, token="old-token-value")
        return school

    def test_the_form_offers_a_password_field_without_the_token(self, admin_client, school_with_token):
        page = admin_client.get(change_url(school_with_token)).content.decode()

        assert "old-token-value" not in page
        assert 'type="password" name="connector_token"' in page
        assert form_data(page, "school_form")["connector_token"] == [""]
        assert "Leave empty to keep the current token" in page

    def test_saving_with_the_field_left_empty_keeps_the_token(self, admin_client, school_with_token):
        admin_save(admin_client, school_with_token, iban=IBAN)

        school_with_token.refresh_from_db()
        assert (school_with_token.connector_token_get(), school_with_token.iban) == ("old-token-value", IBAN)
        [record] = AuditRecord.objects.for_school(school_with_token)
        assert set(record.after) == {"iban"}

    def test_the_token_can_be_removed(self, admin_client, school_with_token):
        admin_save(admin_client, school_with_token, connector_token_remove="on")

        school_with_token.refresh_from_db()
        assert school_with_token.connector_token_get() == ""
        [record] = AuditRecord.objects.for_school(school_with_token)
        assert (record.before, record.after) == ({"connector_token": "secret:set"}, {"connector_token": ""})

    def test_a_school_without_a_token_says_the_platforms_is_used(self, admin_client, school):
        assert "No token saved" in admin_client.get(change_url(school)).content.decode()
