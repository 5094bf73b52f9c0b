"""Password managers fill the login and save a new password under the right account.

Browsers decide what to fill from `autocomplete` tokens; on a page that sets a
password they save it under the username the page names. Without them a
secretary's password manager offers nothing at login, or saves the new
password under no account.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.accounts.test_password_reset import ask, link_of, resets
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inputs: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            self.inputs.append({name: value or "" for name, value in attrs})


def inputs_of(response) -> list[dict[str, str]]:
    reader = _Inputs()
    reader.feed(response.content.decode())
    return [field for field in reader.inputs if field.get("type") not in {"hidden", "submit"}]


def autocomplete_by_name(response) -> dict[str, str]:
    return {field["name"]: field.get("autocomplete", "") for field in inputs_of(response) if field.get("name")}


def account_named(response) -> str | None:
    """The address a page names as the account whose password it sets (a field never submitted)."""
    for field in inputs_of(response):
        if field.get("autocomplete") == "username" and "name" not in field:
            return field.get("value")
    return None


def test_the_login_form_tells_the_browser_which_field_is_the_account_and_which_the_password(db):
    assert autocomplete_by_name(Client().get("/backoffice/login/")) == {
        "email": "username",
        "password": "current-password",
    }


def test_the_forgotten_password_form_asks_for_the_account(db):
    assert autocomplete_by_name(Client().get("/backoffice/password/forgotten/")) == {"email": "username"}


def test_changing_the_password_names_her_account_and_asks_for_the_old_and_new_passwords(manager_client, manager):
    page = manager_client.get("/backoffice/password/")

    assert account_named(page) == manager.email
    assert autocomplete_by_name(page) == {
        "old_password": "current-password",
        "new_password1": "new-password",
        "new_password2": "new-password",
    }
    assert "username" not in form_data(page.content.decode())


def test_a_password_chosen_from_a_reset_link_is_saved_under_her_account(manager):
    ask(manager.email)
    client = Client()
    opened = client.get(link_of(resets()[0]))
    page = client.get(opened["Location"])

    assert account_named(page) == manager.email
    assert autocomplete_by_name(page) == {"new_password1": "new-password", "new_password2": "new-password"}


def test_a_page_without_a_known_account_names_none(db):
    assert account_named(Client().get("/backoffice/login/")) is None


def test_the_login_page_opens_with_the_keyboard_in_the_address(client):
    """QA (keyboard walk): the login page had the focus nowhere; a Tab went to the skip link first."""
    fields = {field["name"]: field for field in inputs_of(client.get("/backoffice/login/"))}

    assert "autofocus" in fields["email"]
    assert "autofocus" not in fields["password"]
