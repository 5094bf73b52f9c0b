"""Memberships changed in the admin's inline rows are on the school's record, as the Équipe page's changes are."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from msem.accounts.models import Membership, Role, User
from msem.audit.models import AuditRecord
from tests.html_forms import flatten, form_data, page_text
from tests.platform.test_school_admin import change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator() -> User:
    return User.objects.create_superuser(email="ops@msem.test", password="x", full_name="Olga Ops", language="en")


@pytest.fixture
def admin_client(administrator) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


def rows(client: Client, url: str, form_id: str) -> tuple[dict[str, list[str]], str]:
    """The admin's form as a browser would post it, and the prefix of its membership rows."""
    data = form_data(client.get(url).content.decode(), form_id)
    [total] = [name for name in data if name.endswith("-TOTAL_FORMS")]
    return data, total.removesuffix("-TOTAL_FORMS")


def row_of(data: dict[str, list[str]], prefix: str, membership: Membership) -> int:
    wanted = [str(membership.pk)]
    [index] = [int(name.split("-")[-2]) for name, value in data.items() if name.endswith("-id") and value == wanted]
    return index


def save(client: Client, url: str, data: dict[str, list[str]]):
    data["_save"] = ["Save"]
    response = client.post(url, flatten(data))
    assert response.status_code == 302, page_text(response)
    return response


def history(manager_client: Client, school) -> str:
    return page_text(manager_client.get(reverse("backoffice:settings_history", kwargs={"school_slug": school.slug})))


class TestTheSchoolsRows:
    def test_a_member_added_is_on_record_by_the_platform(
        self, admin_client, administrator, school, manager, manager_client
    ):
        newcomer = User.objects.create_user(email="paul@valneige.test", password=None, full_name="Paul Moniteur")
        data, prefix = rows(admin_client, change_url(school), "school_form")
        extra = int(data[f"{prefix}-TOTAL_FORMS"][0]) - 1
        data[f"{prefix}-{extra}-user"] = [str(newcomer.pk)]
        data[f"{prefix}-{extra}-role"] = [Role.SECRETARY]

        save(admin_client, change_url(school), data)

        [record] = AuditRecord.objects.for_school(school)
        assert (record.action, record.actor, record.by_platform) == (
            AuditRecord.Action.MEMBER_INVITED,
            administrator,
            True,
        )
        assert record.after == {
            "email": "paul@valneige.test",
            "name": "Paul Moniteur",
            "role": Role.SECRETARY,
            "account_created": False,
        }
        page = history(manager_client, school)
        assert "Paul Moniteur" in page
        assert "by the platform's administrators" in page or "par les administrateurs de la plateforme" in page
        assert "Olga Ops" not in page

    def test_a_role_changed_and_a_member_removed_are_on_record(self, admin_client, school, manager, secretary):
        data, prefix = rows(admin_client, change_url(school), "school_form")
        data[f"{prefix}-{row_of(data, prefix, Membership.objects.get(user=secretary))}-role"] = [Role.MANAGER]
        data[f"{prefix}-{row_of(data, prefix, Membership.objects.get(user=manager))}-DELETE"] = ["on"]

        save(admin_client, change_url(school), data)

        records = {record.action: record for record in AuditRecord.objects.for_school(school)}
        assert set(records) == {AuditRecord.Action.MEMBER_ROLE_CHANGED, AuditRecord.Action.MEMBER_REMOVED}
        assert all(record.by_platform for record in records.values())
        changed = records[AuditRecord.Action.MEMBER_ROLE_CHANGED]
        assert (changed.before["role"], changed.after["role"]) == (Role.SECRETARY, Role.MANAGER)
        assert records[AuditRecord.Action.MEMBER_REMOVED].before["email"] == "manager@valneige.test"
        assert list(Membership.objects.for_school(school).values_list("user__email", "role")) == [
            ("secretaire@valneige.test", Role.MANAGER)
        ]

    def test_the_last_manager_can_be_removed_and_the_administrator_is_warned(self, admin_client, school, manager):
        data, prefix = rows(admin_client, change_url(school), "school_form")
        data[f"{prefix}-{row_of(data, prefix, Membership.objects.get(user=manager))}-DELETE"] = ["on"]

        response = save(admin_client, change_url(school), data)

        assert not Membership.objects.for_school(school).exists()
        [record] = AuditRecord.objects.for_school(school)
        assert (record.action, record.by_platform) == (AuditRecord.Action.MEMBER_REMOVED, True)
        warning = page_text(admin_client.get(response["Location"]))
        assert "ESF Val Neige has no manager any more" in warning

    def test_saving_the_rows_unchanged_writes_no_record(self, admin_client, school, manager, secretary):
        data, _prefix = rows(admin_client, change_url(school), "school_form")

        save(admin_client, change_url(school), data)

        assert not AuditRecord.objects.for_school(school).exists()

    def test_a_rows_person_cannot_be_swapped_for_another(self, admin_client, school, manager, secretary):
        data, prefix = rows(admin_client, change_url(school), "school_form")
        data[f"{prefix}-{row_of(data, prefix, Membership.objects.get(user=manager))}-user"] = [str(secretary.pk)]
        data["_save"] = ["Save"]

        response = admin_client.post(change_url(school), flatten(data))

        assert response.status_code == 200
        assert "tick “Delete” and add a row instead" in page_text(response)
        assert not AuditRecord.objects.for_school(school).exists()


class TestTheUsersRows:
    def test_a_school_given_on_the_users_page_is_on_that_schools_record(
        self, admin_client, school, other_school, manager
    ):
        url = f"/admin/accounts/user/{manager.pk}/change/"
        data, prefix = rows(admin_client, url, "user_form")
        extra = int(data[f"{prefix}-TOTAL_FORMS"][0]) - 1
        data[f"{prefix}-{extra}-school"] = [str(other_school.pk)]
        data[f"{prefix}-{extra}-role"] = [Role.MANAGER]

        save(admin_client, url, data)

        assert not AuditRecord.objects.for_school(school).exists()
        [record] = AuditRecord.objects.for_school(other_school)
        assert (record.action, record.by_platform, record.after["email"]) == (
            AuditRecord.Action.MEMBER_INVITED,
            True,
            "manager@valneige.test",
        )

    def test_a_new_user_with_a_school_is_on_its_record_as_a_new_account(self, admin_client, school):
        data, prefix = rows(admin_client, "/admin/accounts/user/add/", "user_form")
        data.update(email=["lea@valneige.test"], full_name=["Léa Neuve"], language=["fr"])
        extra = int(data[f"{prefix}-TOTAL_FORMS"][0]) - 1
        data[f"{prefix}-{extra}-school"] = [str(school.pk)]
        data[f"{prefix}-{extra}-role"] = [Role.SECRETARY]

        save(admin_client, "/admin/accounts/user/add/", data)

        [record] = AuditRecord.objects.for_school(school)
        assert (record.action, record.by_platform, record.after["account_created"]) == (
            AuditRecord.Action.MEMBER_INVITED,
            True,
            True,
        )
