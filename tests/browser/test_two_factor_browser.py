"""Two-step verification in a real browser: a secretary sets up her app at her first login, then logs in with a code."""

from __future__ import annotations

import base64
import re

import pytest
from playwright.sync_api import expect

from msem.accounts import totp
from msem.accounts.models import SecondFactor
from tests.factories import PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


WORDS = {
    "fr": {
        "address": "Adresse e-mail",
        "password": "Mot de passe",
        "log_in": "Se connecter",
        "set_up": "Configurer la validation en deux étapes",
        "cannot_scan": "Impossible de le scanner ? Tapez plutôt la clé",
        "code": "Code de vérification",
        "confirm": "Confirmer",
        "six_digits": "Tapez les 6 chiffres affichés par votre application.",
        "on": "La validation en deux étapes est activée",
        "kept": "Je les ai conservés, continuer",
        "log_out": "Se déconnecter",
        "verify": "Vérifier",
        "menu": "Validation en deux étapes",
        "left": "10 codes de secours sur 10 restants.",
    },
    "en": {
        "address": "E-mail address",
        "password": "Password",
        "log_in": "Log in",
        "set_up": "Set up two-step verification",
        "cannot_scan": "Cannot scan it? Type the key instead",
        "code": "Verification code",
        "confirm": "Confirm",
        "six_digits": "Type the 6 digits that your app shows.",
        "on": "Two-step verification is on",
        "kept": "I have saved them, continue",
        "log_out": "Log out",
        "verify": "Verify",
        "menu": "Two-step verification",
        "left": "10 recovery codes of 10 left.",
    },
}


def type_password(page, words, email: str) -> None:
    page.goto("/backoffice/login/")
    page.get_by_label(words["address"]).fill(email)
    page.get_by_label(words["password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=words["log_in"]).click()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_secretary_sets_up_her_app_then_logs_in_with_a_code(page, school, screenshot, settings, language):
    settings.MSEM_TWO_FACTOR_REQUIRED = "everyone"
    words = WORDS[language]
    user = MembershipFactory(school=school, user__email="anna@valneige.test", user__language=language).user
    if language == "en":
        page.goto("/backoffice/login/")
        page.get_by_role("button", name="EN").click()

    type_password(page, words, user.email)
    page.wait_for_url(re.compile(r"/backoffice/login/two-step/$"))
    expect(page.get_by_role("heading", name=words["set_up"])).to_be_visible()
    expect(page.locator("svg.qr-code")).to_be_visible()
    page.get_by_text(words["cannot_scan"]).click()
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    screenshot(page, f"two-factor-1-set-up-{language}")

    page.get_by_label(words["code"]).fill("123")
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.locator(".field-error")).to_contain_text(words["six_digits"])

    page.get_by_label(words["code"]).fill(totp.totp(key))
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.get_by_role("heading", name=words["on"])).to_be_visible()
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    screenshot(page, f"two-factor-2-recovery-codes-{language}")
    page.get_by_role("link", name=words["kept"]).click()
    page.wait_for_url(re.compile(r"/inquiries/"))

    page.locator(".user-menu summary").click()
    page.get_by_role("button", name=words["log_out"]).click()
    page.wait_for_url(re.compile(r"/backoffice/login/"))
    type_password(page, words, user.email)
    page.wait_for_url(re.compile(r"/backoffice/login/verify/$"))
    code_field = page.get_by_label(words["code"])
    assert code_field.get_attribute("inputmode") == "numeric"
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    # The code the app shows next (the one used to confirm cannot serve twice).
    code_field.fill(totp.hotp(key, SecondFactor.objects.get(user=user).last_step + 1))
    screenshot(page, f"two-factor-3-code-{language}")
    page.get_by_role("button", name=words["verify"]).click()
    page.wait_for_url(re.compile(r"/inquiries/"))

    page.locator(".user-menu summary").click()
    page.get_by_role("link", name=words["menu"]).click()
    expect(page.get_by_text(words["left"])).to_be_visible()
    screenshot(page, f"two-factor-4-my-page-{language}")
