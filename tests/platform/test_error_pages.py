"""The error pages a secretary can land on: what they say, and that a phone and a tab show them properly."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.views import defaults

from msem.accounts.models import User
from msem.accounts.services import user_language_set
from tests.html_forms import page_text

pytestmark = pytest.mark.django_db

ICON = 'rel="icon"'
VIEWPORT = 'name="viewport" content="width=device-width, initial-scale=1"'


class TestAccessDenied:
    @pytest.mark.parametrize("page", ["team/", "personal-data/", "settings/history/"])
    def test_a_secretary_on_a_managers_page_is_told_who_can_open_it_in_french(self, secretary_client, school, page):
        response = secretary_client.get(f"/backoffice/{school.slug}/{page}")
        assert response.status_code == 403
        text = page_text(response)
        assert "Accès refusé" in text
        assert "Cette page n’est pas ouverte à votre compte" in text
        assert "adressez-vous au responsable de votre école" in text
        # The Team page or the personal data are not "its settings": the page no longer says so.
        assert "paramètres" not in text

    def test_in_english_for_a_secretary_who_chose_english(self, secretary_client, secretary, school):
        user_language_set(user=secretary, language="en")
        text = page_text(secretary_client.get(f"/backoffice/{school.slug}/team/"))
        assert "Access denied" in text
        assert "ask your school's manager" in text

    def test_the_page_names_its_icon_so_the_browser_asks_for_no_favicon_ico(self, secretary_client, school):
        response = secretary_client.get(f"/backoffice/{school.slug}/team/")
        assert ICON in response.content.decode()
        assert VIEWPORT in response.content.decode()


def english_browser() -> Client:
    """A browser not logged in that chose English on the login page (the language's cookie)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


class TestAccessDeniedInTheAdmin:
    """The admin is the platform operator's: a school's staff refused there is not told to ask her manager."""

    def test_a_manager_who_opens_the_admin_is_told_whose_it_is_and_led_to_her_dashboard(
        self, manager_client, manager, school
    ):
        user_language_set(user=manager, language="en")
        response = manager_client.get("/admin/", follow=True)

        assert response.status_code == 403
        text = page_text(response)
        assert "Platform administration" in text
        assert "kept for its operator: a school's account does not open them" in text
        assert "ask your school's manager" not in text
        assert f'href="/backoffice/{school.slug}/dashboard/">Back to the back office</a>' in text
        assert ICON in text

    def test_in_french_for_a_secretary_who_kept_french(self, secretary_client, school):
        response = secretary_client.get("/admin/", follow=True)

        assert response.status_code == 403
        text = page_text(response)
        assert "Administration de la plateforme" in text
        assert "réservée à son opérateur\u00a0: un compte d’école n’y a pas accès, quel que soit son rôle" in text
        assert "adressez-vous au responsable de votre école" not in text
        assert f'href="/backoffice/{school.slug}/dashboard/">Retour au back office</a>' in text

    def test_the_login_says_it_in_french_too(self, db):
        text = page_text(Client().get("/admin/", follow=True))
        assert "Pour l’opérateur de la plateforme Msem\u00a0: connectez-vous avec votre compte d’administrateur" in text
        assert '<a href="/backoffice/login/">connectez-vous au back office</a>' in text

    @pytest.mark.parametrize("page", ["/admin/", "/admin/mailing/outgoingemail/", "/admin/login/?next=/admin/"])
    def test_a_secretary_gets_the_same_page_wherever_she_opens_the_admin(
        self, secretary_client, secretary, school, page
    ):
        user_language_set(user=secretary, language="en")
        response = secretary_client.get(page, follow=True)

        assert response.status_code == 403
        assert "administration of the Msem platform" in page_text(response)

    def test_an_administrator_refused_one_page_is_told_of_a_permission_and_led_back_to_the_admin(self, db):
        operator = User.objects.create_user("ops@msem.test", "x", is_staff=True, language="en")
        client = Client()
        client.force_login(operator)

        response = client.get("/admin/mailing/outgoingemail/")

        assert response.status_code == 403
        text = page_text(response)
        assert "Your administrator's account does not have the permission this page needs" in text
        assert "a school's account does not open them" not in text
        assert 'href="/admin/">Back to the platform administration</a>' in text

    def test_the_login_the_admin_sends_to_says_whose_administration_it_opens(self, db):
        response = english_browser().get("/admin/", follow=True)

        assert response.redirect_chain[-1][0].startswith("/backoffice/login/?next=")
        text = page_text(response)
        assert "Platform administration" in text
        assert "For the operator of the Msem platform" in text
        assert '<a href="/backoffice/login/">log in to the back office</a>' in text

    def test_the_back_offices_own_login_says_nothing_of_the_admin(self, db):
        text = page_text(english_browser().get("/backoffice/login/?next=/backoffice/"))
        assert "Commercial management" in text
        assert "Platform administration" not in text


def test_a_back_office_page_not_found_names_its_icon(manager_client):
    response = manager_client.get("/backoffice/nowhere/dashboard/")
    assert response.status_code == 404
    assert ICON in response.content.decode()


def test_the_server_error_page_fits_a_phone_and_names_its_icon():
    # The 500 page is plain HTML (it is shown when anything may be broken): read it as Django serves it.
    response = defaults.server_error(RequestFactory().get("/backoffice/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert VIEWPORT in page
    assert ICON in page
    assert "Server error" in page


def test_the_database_unavailable_page_names_its_icon():
    assert ICON in render_to_string("503.html")


def test_an_anonymous_visitor_is_sent_to_the_login_not_shown_access_denied(school):
    response = Client().get(f"/backoffice/{school.slug}/team/")
    assert response.status_code == 302
    assert "/backoffice/login/" in response["Location"]
