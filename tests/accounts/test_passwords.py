"""A user changes her password; the policy (ASVS 6.2) decides which passwords she may choose."""

from __future__ import annotations

import pytest
from django.conf import global_settings, settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

import config.settings as production
from msem.accounts.password_validation import ContextWordsValidator
from tests.factories import PASSWORD
from tests.html_forms import page_text

pytestmark = pytest.mark.django_db

PAGE = reverse("backoffice:password_change")
LONG = "les enfants prennent leur cours tous les matins de la semaine, 9h !"


def change(client: Client, new: str, old: str = PASSWORD):
    return client.post(PAGE, {"old_password": old, "new_password1": new, "new_password2": new})


def logs_in(email: str, password: str) -> bool:
    return Client().post("/backoffice/login/", {"email": email, "password": password}).status_code == 302


class TestChangingThePassword:
    def test_the_page_is_in_the_users_menu_and_explains_the_rules_in_french(self, manager_client, school):
        menu = manager_client.get(reverse("backoffice:settings", kwargs={"school_slug": school.slug}))
        assert f'href="{PAGE}"' in menu.content.decode()

        page = page_text(manager_client.get(PAGE))
        assert "Modifier mon mot de passe" in page
        assert "Mot de passe actuel" in page  # as the introduction says, not Django's "Ancien mot de passe"
        assert "au minimum 10 caractères" in page
        assert "mots que tout le monde essaie d’abord" in page

    def test_in_english_the_rules_are_written_alike(self, manager, manager_client):
        """Django's rules say "can’t"; ours, in the same list, said "can't" with a straight apostrophe."""
        manager.language = "en"
        manager.save(update_fields=["language"])

        page = page_text(manager_client.get(PAGE))

        assert "Your password can’t be mostly words anyone would try first" in page
        assert "can't" not in page
        # "Type your current password", then a field labelled "Old password".
        assert "Type your current password" in page
        assert '<label for="id_old_password">Current password</label>' in page

    def test_the_new_password_works_and_the_old_one_no_longer(self, manager_client, manager):
        response = change(manager_client, LONG)

        assert response.status_code == 302
        assert logs_in(manager.email, LONG)
        assert not logs_in(manager.email, PASSWORD)

    def test_the_other_sessions_end_this_one_goes_on(self, manager, school):
        here, elsewhere = Client(), Client()
        for client in (here, elsewhere):
            client.post("/backoffice/login/", {"email": manager.email, "password": PASSWORD})

        change(here, LONG)

        settings_url = reverse("backoffice:settings", kwargs={"school_slug": school.slug})
        assert here.get(settings_url).status_code == 200
        assert elsewhere.get(settings_url)["Location"].startswith("/backoffice/login/")

    def test_the_current_password_is_required(self, manager_client, manager):
        response = change(manager_client, LONG, old="not my password")

        assert response.status_code == 400
        assert "Votre ancien mot de passe est incorrect" in page_text(response)
        assert logs_in(manager.email, PASSWORD)

    def test_guessing_the_current_password_is_throttled_like_the_login(self, manager_client, manager):
        for _ in range(settings.MSEM_LOGIN_FAILURES_PER_ADDRESS):
            change(manager_client, LONG, old="guess")

        response = change(manager_client, LONG)

        assert response.status_code == 429
        assert "Trop de tentatives échouées" in page_text(response)
        assert not logs_in(manager.email, LONG)

    def test_anonymous_visitors_are_sent_to_the_login_page(self, db):
        assert Client().get(PAGE)["Location"].startswith("/backoffice/login/")


class TestPolicy:
    @pytest.mark.parametrize(
        ("password", "reason"),
        [
            ("Lk9#mQ2!z", "Ce mot de passe est trop court"),  # 9 characters: 10 is the minimum
            ("qwertyuiop", "Ce mot de passe est trop courant"),  # one of Django's 20,000 common passwords
            ("4815162342", "Ce mot de passe est entièrement numérique"),
            ("msem2025!!", "mots que tout le monde essaie d’abord"),  # the product's name
            ("ValNeige2026", "mots que tout le monde essaie d’abord"),  # the school's name
            ("Étoile-Ski-2026", "mots que tout le monde essaie d’abord"),
        ],
    )
    def test_a_weak_password_is_refused_with_the_reason(self, manager_client, manager, password, reason):
        response = change(manager_client, password)

        assert response.status_code == 400
        assert reason in page_text(response)
        assert not logs_in(manager.email, password)

    def test_64_characters_of_any_kind_are_accepted_without_composition_rules(self, manager_client, manager):
        # Lower case only, spaces, accents, a trade word inside a sentence: all fine (ASVS 6.2.5, 6.2.9).
        long_one = "à la station on skie du matin au soir et les moniteurs sont patients"
        assert len(long_one) >= 64

        assert change(manager_client, long_one).status_code == 302
        assert logs_in(manager.email, long_one)

    def test_the_password_is_checked_exactly_as_typed(self, manager_client, manager):
        change(manager_client, LONG)

        assert not logs_in(manager.email, LONG[:-1])  # no truncation
        assert not logs_in(manager.email, LONG.upper())  # no case folding
        assert not logs_in(manager.email, f" {LONG}")  # no trimming

    def test_a_sentence_with_a_trade_word_passes_the_context_check(self):
        validator = ContextWordsValidator(min_length=10)
        validator.validate("mon moniteur de ski s'appelle Jean-Pierre")
        with pytest.raises(ValidationError, match="mots que tout le monde essaie"):
            validator.validate("Courchevel-Ski!")


def test_passwords_are_stored_with_pbkdf2_sha256_and_enough_iterations():
    # The suite swaps in a fast hasher (tests/conftest.py); production keeps Django's default list.
    assert not hasattr(production, "PASSWORD_HASHERS")
    assert global_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert PBKDF2PasswordHasher.iterations >= 600_000  # OWASP's figure for PBKDF2-HMAC-SHA256


def test_password_fields_are_masked_and_leave_password_managers_alone(manager_client):
    login = Client().get("/backoffice/login/").content.decode()
    change_page = manager_client.get(PAGE).content.decode()

    assert 'type="password" name="password"' in login
    assert 'type="password" name="old_password" autocomplete="current-password"' in change_page
    assert change_page.count('autocomplete="new-password"') == 2
    for page in (login, change_page):
        assert "onpaste" not in page
        assert 'autocomplete="off"' not in page
