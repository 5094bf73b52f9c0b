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


def type_password(page, email: str) -> None:
    page.goto("/backoffice/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_secretary_sets_up_her_app_then_logs_in_with_a_code(page, school, screenshot, settings):
    settings.MSEM_TWO_FACTOR_REQUIRED = "everyone"
    user = MembershipFactory(school=school, user__email="anna@valneige.test").user

    type_password(page, user.email)
    page.wait_for_url(re.compile(r"/backoffice/login/two-step/$"))
    expect(page.get_by_role("heading", name="Configurer la validation en deux étapes")).to_be_visible()
    expect(page.locator("svg.qr-code")).to_be_visible()
    page.get_by_text("Impossible de le scanner ? Tapez plutôt la clé").click()
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    screenshot(page, "two-factor-1-set-up-fr")

    page.get_by_label("Code de vérification").fill("123")
    page.get_by_role("button", name="Confirmer").click()
    expect(page.locator(".field-error")).to_contain_text("Tapez les 6 chiffres affichés par votre application.")

    page.get_by_label("Code de vérification").fill(totp.totp(key))
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", name="La validation en deux étapes est activée")).to_be_visible()
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    screenshot(page, "two-factor-2-recovery-codes-fr")
    page.get_by_role("link", name="Je les ai conservés, continuer").click()
    page.wait_for_url(re.compile(r"/inquiries/"))

    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r"/backoffice/login/"))
    type_password(page, user.email)
    page.wait_for_url(re.compile(r"/backoffice/login/verify/$"))
    code_field = page.get_by_label("Code de vérification")
    assert code_field.get_attribute("inputmode") == "numeric"
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    # The code the app shows next (the one used to confirm cannot serve twice).
    code_field.fill(totp.hotp(key, SecondFactor.objects.get(user=user).last_step + 1))
    screenshot(page, "two-factor-3-code-fr")
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_url(re.compile(r"/inquiries/"))

    page.locator(".user-menu summary").click()
    page.get_by_role("link", name="Validation en deux étapes").click()
    expect(page.get_by_text("10 codes de secours sur 10 restants.")).to_be_visible()
    screenshot(page, "two-factor-4-my-page-fr")
