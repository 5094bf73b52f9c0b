"""A new member of staff in a real browser: the invitation link, her password, her first login (FR and EN);
and a password typed by an administrator, replaced at the first login."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from msem.accounts.invitations import invitation_send
from msem.mailing.models import OutgoingEmail
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHOSEN = "les enfants prennent leur cours tous les matins de la semaine, 9h !"
GIVEN = "un mot de passe donné par téléphone, 2026"

WORDS = {
    "fr": {
        "choose": "Choisissez votre mot de passe",
        "save": "Enregistrer mon mot de passe",
        "too_common": "Ce mot de passe est trop courant",
        "saved": "Votre mot de passe est enregistré",
        "dead": "Ce lien d’invitation ne fonctionne plus",
        "forgotten": "Mot de passe oublié ?",
        "address": "Adresse e-mail",
        "password": "Mot de passe",
        "log_in": "Se connecter",
        "set_by_administrator": "choisi par un administrateur",
        "change": "Modifier mon mot de passe",
        "changed": "Votre mot de passe a été modifié",
    },
    "en": {
        "choose": "Choose your password",
        "save": "Save my password",
        "too_common": "This password is too common",
        "saved": "Your password is saved",
        "dead": "This invitation link no longer works",
        "forgotten": "Forgot your password?",
        "address": "E-mail address",
        "password": "Password",
        "log_in": "Log in",
        "set_by_administrator": "set by an administrator",
        "change": "Change my password",
        "changed": "Your password has been changed",
    },
}


def log_in(page, words, email: str, password: str) -> None:
    page.goto("/backoffice/login/")
    page.get_by_label(words["address"]).fill(email)
    page.get_by_label(words["password"], exact=True).fill(password)
    page.get_by_role("button", name=words["log_in"]).click()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_invited_secretary_chooses_her_password_then_logs_in(page, school, screenshot, language):
    words = WORDS[language]
    user = MembershipFactory(school=school, user__email="anna@valneige.test", user__language=language).user
    user.set_unusable_password()
    user.save()
    invitation_send(user=user, sent_by=None)
    email = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.INVITATION)
    link = re.search(r"/backoffice/invitation/\S+/", email.text_body).group(0)
    if language == "en":
        page.goto("/backoffice/login/")
        page.get_by_role("button", name="EN").click()

    page.goto(link)
    expect(page.get_by_role("heading", name=words["choose"])).to_be_visible()
    assert "invitation/" in page.url
    assert link.rstrip("/").rsplit("/", 1)[-1] not in page.url
    page.locator("#id_new_password1").fill("qwertyuiop")
    page.locator("#id_new_password2").fill("qwertyuiop")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".field-error").first).to_contain_text(words["too_common"])
    screenshot(page, f"invitation-1-weak-{language}")

    page.locator("#id_new_password1").fill(CHOSEN)
    page.locator("#id_new_password2").fill(CHOSEN)
    page.get_by_role("button", name=words["save"]).click()
    page.wait_for_url(re.compile(r"/backoffice/login/$"))
    expect(page.get_by_role("status")).to_contain_text(words["saved"])
    screenshot(page, f"invitation-2-saved-{language}")

    log_in(page, words, user.email, CHOSEN)
    page.wait_for_url(re.compile(r"/inquiries/"))
    screenshot(page, f"invitation-3-logged-in-{language}")

    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text(words["dead"])
    expect(page.get_by_role("link", name=words["forgotten"])).to_be_visible()
    screenshot(page, f"invitation-4-used-link-{language}")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_password_typed_by_an_administrator_is_replaced_at_the_first_login(page, school, screenshot, language):
    words = WORDS[language]
    user = MembershipFactory(school=school, user__email="anna@valneige.test", user__language=language).user
    user.set_password(GIVEN)
    user.password_is_temporary = True
    user.save()
    if language == "en":
        page.goto("/backoffice/login/")
        page.get_by_role("button", name="EN").click()

    log_in(page, words, user.email, GIVEN)
    page.wait_for_url(re.compile(r"/backoffice/password/$"))
    expect(page.get_by_role("alert")).to_contain_text(words["set_by_administrator"])
    screenshot(page, f"temporary-password-1-forced-{language}")
    page.goto(f"/backoffice/{school.slug}/inquiries/")
    page.wait_for_url(re.compile(r"/backoffice/password/$"))

    page.locator("#id_old_password").fill(GIVEN)
    page.locator("#id_new_password1").fill(CHOSEN)
    page.locator("#id_new_password2").fill(CHOSEN)
    page.locator("form.password-form").get_by_role("button", name=words["change"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["changed"])
    screenshot(page, f"temporary-password-2-changed-{language}")
    page.goto(f"/backoffice/{school.slug}/inquiries/")
    page.wait_for_url(re.compile(r"/inquiries/"))
    user.refresh_from_db()
    assert not user.password_is_temporary
