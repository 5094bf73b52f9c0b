"""A forgotten password, in a real browser: the link on the login page, the e-mail, the new password (FR and EN)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from msem.mailing.models import OutgoingEmail
from tests.factories import PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = "les enfants prennent leur cours tous les matins de la semaine, 9h !"

WORDS = {
    "fr": {
        "forgotten": "Mot de passe oublié ?",
        "address": "Adresse e-mail",
        "send": "M’envoyer un lien",
        "sent": "Si cette adresse correspond à un compte",
        "choose": "Choisir un nouveau mot de passe",
        "save": "Enregistrer le nouveau mot de passe",
        "too_common": "Ce mot de passe est trop courant",
        "changed": "Votre mot de passe a été modifié",
        "dead": "Ce lien ne fonctionne plus",
        "password": "Mot de passe",
        "log_in": "Se connecter",
    },
    "en": {
        "forgotten": "Forgot your password?",
        "address": "E-mail address",
        "send": "Send me a link",
        "sent": "If this address belongs to an account",
        "choose": "Choose a new password",
        "save": "Save the new password",
        "too_common": "This password is too common",
        "changed": "Your password has been changed",
        "dead": "This link no longer works",
        "password": "Password",
        "log_in": "Log in",
    },
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_user_resets_her_forgotten_password(page, school, screenshot, language):
    words = WORDS[language]
    user = MembershipFactory(school=school, user__email="anna@valneige.test", user__language=language).user
    page.goto("/backoffice/login/")
    if language == "en":
        page.get_by_role("button", name="EN").click()

    page.get_by_role("link", name=words["forgotten"]).click()
    expect(page.get_by_role("heading", name=words["forgotten"])).to_be_visible()
    page.get_by_label(words["address"]).fill(user.email)
    screenshot(page, f"password-reset-1-ask-{language}")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["sent"])
    screenshot(page, f"password-reset-2-sent-{language}")

    email = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.PASSWORD_RESET)
    assert email.language == language
    link = re.search(r"/backoffice/reset/\S+/", email.text_body).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", name=words["choose"])).to_be_visible()
    page.locator("#id_new_password1").fill("qwertyuiop")
    page.locator("#id_new_password2").fill("qwertyuiop")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".field-error").first).to_contain_text(words["too_common"])
    screenshot(page, f"password-reset-3-weak-{language}")

    page.locator("#id_new_password1").fill(NEW)
    page.locator("#id_new_password2").fill(NEW)
    page.get_by_role("button", name=words["save"]).click()
    page.wait_for_url(re.compile(r"/backoffice/login/$"))
    expect(page.get_by_role("status")).to_contain_text(words["changed"])
    screenshot(page, f"password-reset-4-done-{language}")

    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text(words["dead"])
    screenshot(page, f"password-reset-5-used-link-{language}")

    page.goto("/backoffice/login/")
    page.get_by_label(words["address"]).fill(user.email)
    page.get_by_label(words["password"], exact=True).fill(NEW)
    page.get_by_role("button", name=words["log_in"]).click()
    page.wait_for_url(re.compile(r"/inquiries/"))
    assert PASSWORD != NEW
