"""A client following a bad link gets the public site's "page not found", in the link's language.

Django shows its 404 handler only with DEBUG off, as in production.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.html_forms import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def not_found(path: str, **headers: str):
    response = Client().get(path, headers=headers)
    assert response.status_code == 404, path
    return response


def assert_public(response, language: str) -> str:
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert "css/public." in html
    assert "css/backoffice." not in html
    assert "/backoffice/" not in html
    assert "Msem" not in html
    assert response["Content-Language"] == language
    return page_text(response)


@pytest.mark.parametrize(
    ("path", "language", "heading"),
    [
        ("/fr/pay/not-a-valid-payment-link-token/", "fr", "Cette page est introuvable"),
        ("/en/pay/not-a-valid-payment-link-token/", "en", "This page cannot be found"),
        ("/en/nope/contact/", "en", "This page cannot be found"),
        ("/fr/nope/quote/" + "x" * 43 + "/", "fr", "Cette page est introuvable"),
    ],
)
def test_a_bad_link_naming_no_known_school_says_to_check_it(path, language, heading):
    page = assert_public(not_found(path), language)
    assert heading in page
    expected = "copiez-le de nouveau" if language == "fr" else "copy it again"
    assert expected in page


def test_a_bad_quote_link_of_a_known_school_names_the_school_and_its_address(school):
    # Too short a token: no address matches at all.
    response = not_found(f"/en/{school.slug}/quote/xxx/")
    page = assert_public(response, "en")
    assert "contact ESF Val Neige" in page
    assert 'href="mailto:info@valneige.test"' in response.content.decode()


def test_a_quote_token_the_school_does_not_have_names_the_school_in_french(school):
    # The address matches, the view finds no such quote.
    response = not_found(f"/fr/{school.slug}/quote/{'x' * 43}/")
    page = assert_public(response, "fr")
    assert "Cette page est introuvable" in page
    assert "contactez ESF Val Neige" in page
    assert 'href="mailto:info@valneige.test"' in response.content.decode()


def test_a_language_we_do_not_speak_gets_the_clients_browser_language_or_english(school):
    assert "This page cannot be found" in assert_public(not_found(f"/de/{school.slug}/contact/"), "en")
    french_browser = not_found(f"/de/{school.slug}/contact/", accept_language="de-CH, fr;q=0.8, en;q=0.5")
    assert "Cette page est introuvable" in assert_public(french_browser, "fr")


def test_the_back_office_keeps_its_own_page_not_found():
    response = not_found("/backoffice/nowhere/")
    page = page_text(response)
    assert "Page introuvable" in page
    assert "Retour au back office" in page
    assert "css/backoffice." in response.content.decode()
