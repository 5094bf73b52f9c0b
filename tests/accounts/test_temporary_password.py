"""A password an administrator typed is temporary (ASVS 6.4.1): its user must choose her own before anything else."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from msem.accounts.models import User
from tests.factories import PASSWORD
from tests.html_forms import page_text
from tests.log_lines import json_lines_of

pytestmark = pytest.mark.django_db

GIVEN = "un mot de passe donné par téléphone, 2026"
HER_OWN = "les enfants prennent leur cours tous les matins de la semaine, 9h !"
CHANGE = "/backoffice/password/"


@pytest.fixture
def administrator() -> User:
    return User.objects.create_superuser(email="ops@msem.test", password=PASSWORD, language="fr")


@pytest.fixture
def admin_client(administrator) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


def set_password_in_admin(admin_client: Client, user: User, password: str = GIVEN):
    return admin_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": password, "password2": password, "usable_password": "true"},
    )


def logged_in(email: str, password: str) -> Client:
    client = Client()
    response = client.post("/backoffice/login/", {"email": email, "password": password})
    assert response.status_code == 302
    return client


def test_a_password_set_in_the_admin_is_temporary_and_on_record(admin_client, administrator, manager):
    with json_lines_of("msem.security") as lines:
        response = set_password_in_admin(admin_client, manager)

    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.password_is_temporary
    assert manager.check_password(GIVEN)
    assert any('"event": "password.set_by_administrator"' in line and '"temporary": true' in line for line in lines)


@pytest.mark.parametrize("had_one", [True, False], ids=["replaced", "first password"])
def test_a_password_set_in_the_admin_is_a_change_on_the_security_log(admin_client, manager, had_one):
    if not had_one:
        manager.set_unusable_password()  # invited, has not chosen hers yet
        manager.save()
    with json_lines_of("msem.security") as lines:
        assert set_password_in_admin(admin_client, manager).status_code == 302

    changes = [json.loads(line) for line in lines if '"event": "user.changed"' in line]
    assert [(change["target_user_id"], change["changed"]) for change in changes] == [(manager.pk, ["password"])]
    assert GIVEN not in "".join(lines)


def test_a_refused_password_in_the_admin_changes_nothing(admin_client, manager):
    response = set_password_in_admin(admin_client, manager, password="qwertyuiop")

    assert response.status_code == 200
    manager.refresh_from_db()
    assert not manager.password_is_temporary
    assert manager.check_password(PASSWORD)


def test_the_administrators_own_password_is_not_temporary(admin_client, administrator):
    set_password_in_admin(admin_client, administrator)

    administrator.refresh_from_db()
    assert administrator.check_password(GIVEN)
    assert not administrator.password_is_temporary


def test_at_her_next_login_she_must_choose_her_own_before_anything_else(admin_client, manager, school):
    set_password_in_admin(admin_client, manager)
    client = logged_in(manager.email, GIVEN)
    inbox = reverse("backoffice:inquiries", kwargs={"school_slug": school.slug})

    assert client.get("/backoffice/")["Location"] == CHANGE
    assert client.get(inbox)["Location"] == CHANGE
    htmx = client.get(inbox, HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == CHANGE
    page = client.get(CHANGE)
    assert page.status_code == 200
    assert "Votre mot de passe a été choisi par un administrateur" in page_text(page)

    with json_lines_of("msem.security") as lines:
        changed = client.post(CHANGE, {"old_password": GIVEN, "new_password1": HER_OWN, "new_password2": HER_OWN})

    assert changed.status_code == 302
    manager.refresh_from_db()
    assert not manager.password_is_temporary
    assert any('"event": "password.forced_change_done"' in line for line in lines)
    assert client.get(inbox).status_code == 200


def test_a_refused_new_password_keeps_her_on_the_page(admin_client, manager, school):
    set_password_in_admin(admin_client, manager)
    client = logged_in(manager.email, GIVEN)

    refused = client.post(CHANGE, {"old_password": GIVEN, "new_password1": "qwertyuiop", "new_password2": "qwertyuiop"})

    assert refused.status_code == 400
    manager.refresh_from_db()
    assert manager.password_is_temporary
    assert client.get("/backoffice/")["Location"] == CHANGE


def test_an_administrator_with_a_temporary_password_cannot_use_the_admin_either(admin_client, school):
    other = User.objects.create_superuser(email="ops2@msem.test", password=PASSWORD, language="fr")
    set_password_in_admin(admin_client, other)

    client = logged_in(other.email, GIVEN)

    assert client.get("/admin/")["Location"] == CHANGE


def test_she_may_still_log_out_and_switch_language(admin_client, manager):
    set_password_in_admin(admin_client, manager)
    client = logged_in(manager.email, GIVEN)

    assert client.post("/backoffice/language/", {"language": "en", "next": CHANGE})["Location"] == CHANGE
    assert client.post("/backoffice/logout/")["Location"] == "/backoffice/login/"


def test_a_reset_by_email_clears_the_mark_too(manager):
    manager.password_is_temporary = True
    manager.save()

    manager.set_password(HER_OWN)
    manager.save()

    manager.refresh_from_db()
    assert not manager.password_is_temporary
