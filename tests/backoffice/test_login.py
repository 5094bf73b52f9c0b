"""Logging in and out, the throttle on failed logins, the language and the school switcher."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from msem.accounts.models import LoginFailure, Role
from tests.factories import PASSWORD, MembershipFactory, SchoolFactory, UserFactory
from tests.html_forms import flatten, form_data, page_text

pytestmark = pytest.mark.django_db

LOGIN = "/backoffice/login/"


def log_in(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"email": email, "password": password}, **extra)


class TestLogin:
    def test_the_login_page_is_in_french_by_default(self, db):
        page = page_text(Client().get(LOGIN))
        assert "Se connecter" in page
        assert "Adresse e-mail" in page

    def test_a_manager_logs_in_with_email_and_password_and_lands_on_her_school(self, manager, school):
        client = Client()
        response = log_in(client, "Manager@ValNeige.test")
        assert response.status_code == 302
        landing = client.get(response["Location"])
        assert landing.status_code == 302
        assert landing["Location"] == f"/backoffice/{school.slug}/inquiries/"

    def test_login_starts_a_new_session(self, manager):
        client = Client()
        client.get(LOGIN)
        client.session.save()
        key_before = client.session.session_key
        log_in(client, manager.email)
        assert client.session.session_key != key_before

    def test_a_wrong_password_is_refused_without_saying_which_part_is_wrong(self, manager):
        response = log_in(Client(), manager.email, "wrong")
        assert response.status_code == 200
        assert "L’adresse e-mail ou le mot de passe est incorrect." in page_text(response)
        assert "_auth_user_id" not in Client().session

    def test_next_is_followed_only_within_the_site(self, manager, school):
        response = Client().post(
            LOGIN, {"email": manager.email, "password": PASSWORD, "next": "https://evil.test/phish"}
        )
        assert response["Location"] == "/backoffice/"
        response = Client().post(
            LOGIN, {"email": manager.email, "password": PASSWORD, "next": f"/backoffice/{school.slug}/settings/"}
        )
        assert response["Location"] == f"/backoffice/{school.slug}/settings/"


class TestThrottle:
    def test_after_five_failures_even_the_right_password_is_refused_for_a_while(self, manager):
        client = Client()
        for _ in range(settings.MSEM_LOGIN_FAILURES_PER_ADDRESS):
            log_in(client, manager.email, "wrong")

        response = log_in(client, manager.email)

        assert response.status_code == 429
        assert "Trop de tentatives échouées. Réessayez dans 15 minutes." in page_text(response)
        assert "_auth_user_id" not in client.session

    def test_failures_expire_after_the_window(self, manager):
        client = Client()
        for _ in range(settings.MSEM_LOGIN_FAILURES_PER_ADDRESS):
            log_in(client, manager.email, "wrong")
        LoginFailure.objects.update(attempted_at=LoginFailure.objects.first().attempted_at.replace(year=2000))

        assert log_in(client, manager.email).status_code == 302

    def test_one_address_guessing_many_accounts_is_stopped_too(self, manager):
        client = Client()
        for attempt in range(settings.MSEM_LOGIN_FAILURES_PER_ADDRESS * 10):
            log_in(client, f"guess{attempt}@valneige.test", "wrong")

        assert log_in(client, manager.email).status_code == 429

    def test_a_success_clears_the_failures_of_that_address(self, manager):
        client = Client()
        for _ in range(settings.MSEM_LOGIN_FAILURES_PER_ADDRESS - 1):
            log_in(client, manager.email, "wrong")
        assert log_in(client, manager.email).status_code == 302
        assert not LoginFailure.objects.filter(email=manager.email).exists()

    def test_behind_a_trusted_proxy_the_forwarded_address_is_the_one_throttled(self, manager, settings):
        settings.MSEM_TRUSTED_PROXY_COUNT = 1
        for attempt in range(settings.MSEM_LOGIN_FAILURES_PER_ADDRESS * 10):
            log_in(Client(), f"guess{attempt}@valneige.test", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert log_in(Client(), manager.email, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
        # Another client behind the same proxy is not locked out.
        assert log_in(Client(), manager.email, HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 302


class TestLogout:
    def test_logout_ends_the_session(self, manager_client, school):
        response = manager_client.post(reverse("backoffice:logout"))
        assert response.status_code == 302
        after = manager_client.get(reverse("backoffice:settings", kwargs={"school_slug": school.slug}))
        assert after["Location"].startswith(LOGIN)

    def test_logout_needs_a_post(self, manager_client):
        assert manager_client.get(reverse("backoffice:logout")).status_code == 405


class TestCsrf:
    def test_login_without_the_csrf_token_is_refused(self, manager):
        client = Client(enforce_csrf_checks=True)
        assert log_in(client, manager.email).status_code == 403

    def test_settings_post_without_the_csrf_token_is_refused(self, manager, school):
        client = Client(enforce_csrf_checks=True)
        client.force_login(manager)
        response = client.post(reverse("backoffice:settings", kwargs={"school_slug": school.slug}), {})
        assert response.status_code == 403

    def test_settings_post_with_the_token_from_the_page_goes_through(self, manager, school):
        client = Client(enforce_csrf_checks=True)
        client.force_login(manager)
        url = reverse("backoffice:settings", kwargs={"school_slug": school.slug})
        data = form_data(client.get(url).content.decode(), form_id="settings-form")
        assert client.post(url, flatten(data)).status_code == 302


class TestLanguage:
    def test_a_user_switches_the_back_office_to_english_and_it_stays(self, manager, manager_client, school):
        manager_client.post(reverse("backoffice:language"), {"language": "en", "next": "/backoffice/"})
        manager.refresh_from_db()
        assert manager.language == "en"
        fresh = Client()
        fresh.force_login(manager)
        page = page_text(fresh.get(reverse("backoffice:settings", kwargs={"school_slug": school.slug})))
        assert "COMMERCIAL MANAGEMENT" in page

    def test_an_unknown_language_changes_nothing(self, manager, manager_client):
        manager_client.post(reverse("backoffice:language"), {"language": "de"})
        manager.refresh_from_db()
        assert manager.language == "fr"

    def test_the_login_page_can_be_switched_before_logging_in(self, db):
        client = Client()
        client.post(reverse("backoffice:language"), {"language": "en", "next": LOGIN})
        assert "Log in" in page_text(client.get(LOGIN))


class TestSchools:
    def test_the_switcher_lists_every_school_of_the_user(self, manager, school):
        second = SchoolFactory(name="ESF Deuxième Station")
        MembershipFactory(school=second, user=manager, role=Role.SECRETARY)
        client = Client()
        client.force_login(manager)
        page = page_text(client.get(reverse("backoffice:inquiries", kwargs={"school_slug": school.slug})))
        assert "ESF Deuxième Station" in page
        assert f'href="/backoffice/{second.slug}/inquiries/"' in page

    def test_home_goes_back_to_the_school_used_last(self, manager, school):
        second = SchoolFactory(name="ESF Deuxième Station")
        MembershipFactory(school=second, user=manager, role=Role.MANAGER)
        client = Client()
        client.force_login(manager)
        client.get(reverse("backoffice:inquiries", kwargs={"school_slug": second.slug}))
        assert client.get("/backoffice/")["Location"] == f"/backoffice/{second.slug}/inquiries/"

    def test_the_role_is_per_school(self, manager, school):
        second = SchoolFactory(name="ESF Deuxième Station")
        MembershipFactory(school=second, user=manager, role=Role.SECRETARY)
        client = Client()
        client.force_login(manager)
        assert "en lecture seule" in page_text(
            client.get(reverse("backoffice:settings", kwargs={"school_slug": second.slug}))
        )

    def test_a_user_without_school_is_told_so(self, db):
        client = Client()
        client.force_login(UserFactory())
        response = client.get("/backoffice/")
        assert response.status_code == 403
        assert "Vous n’êtes rattaché(e) à aucune école" in page_text(response)


class TestSessionLimits:
    def age_session(self, client: Client, **seconds_ago: int) -> None:
        session = client.session
        now = int(time.time())
        for key, ago in seconds_ago.items():
            session[f"msem_{key}"] = now - ago
        session.save()

    def test_an_idle_session_ends(self, manager, school):
        client = Client()
        log_in(client, manager.email)
        self.age_session(client, seen_at=61 * 60)
        response = client.get(f"/backoffice/{school.slug}/settings/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        assert "Votre session a expiré" in page_text(client.get(response["Location"]))

    def test_a_session_ends_hours_after_login_even_if_active(self, manager, school):
        client = Client()
        log_in(client, manager.email)
        self.age_session(client, login_at=11 * 3600, seen_at=10)
        assert client.get(f"/backoffice/{school.slug}/settings/")["Location"].startswith(LOGIN)

    def test_an_active_session_goes_on(self, manager, school):
        client = Client()
        log_in(client, manager.email)
        self.age_session(client, login_at=3 * 3600, seen_at=30 * 60)
        assert client.get(f"/backoffice/{school.slug}/settings/").status_code == 200
