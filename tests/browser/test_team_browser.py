"""A manager, in a real browser: invites a secretary, sees her pending, makes her a manager, removes her."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from msem.accounts.models import Membership, Role, User
from msem.mailing.models import OutgoingEmail
from tests.browser.conftest import log_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_runs_her_team(page, school, manager, secretary, screenshot):
    log_in(page, manager.email, PASSWORD)
    page.get_by_role("link", name="Équipe").click()
    expect(page.get_by_role("heading", name="Équipe", exact=True)).to_be_visible()

    page.get_by_label("Adresse e-mail").fill("lucie@valneige.test")
    page.get_by_label("Prénom").fill("Lucie")
    page.get_by_label("Nom", exact=True).fill("Bernard")
    page.get_by_role("button", name="Inviter", exact=True).click()

    expect(page.locator(".alert-success")).to_contain_text("lucie@valneige.test est invitée")
    row = page.locator('tr[data-member="lucie@valneige.test"]')
    expect(row).to_contain_text("Invitation en attente")
    expect(row.get_by_role("button", name="Renvoyer l’invitation")).to_be_visible()
    assert (
        OutgoingEmail.objects.for_school(school)
        .filter(to_email="lucie@valneige.test", kind=OutgoingEmail.Kind.INVITATION)
        .exists()
    )
    screenshot(page, "team-fr")

    row.get_by_label("Rôle de Lucie Bernard").select_option(Role.MANAGER)
    row.get_by_role("button", name="Changer").click()
    expect(page.locator(".alert-success")).to_contain_text("Lucie Bernard est maintenant : Responsable")
    lucie = User.objects.get(email="lucie@valneige.test")
    assert Membership.objects.for_school(school).get(user=lucie).role == Role.MANAGER

    # Dismissing the question keeps her; accepting it removes her.
    row = page.locator('tr[data-member="lucie@valneige.test"]')
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_role("button", name="Retirer").click()
    expect(row).to_be_visible()
    assert Membership.objects.for_school(school).filter(user=lucie).exists()

    questions: list[str] = []

    def accept(dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    row.get_by_role("button", name="Retirer").click()
    expect(page.locator(".alert-success")).to_contain_text("Lucie Bernard n’a plus accès à cette école")
    expect(page.locator('tr[data-member="lucie@valneige.test"]')).to_have_count(0)
    assert questions[0].startswith("Retirer Lucie Bernard de ESF Val Neige ?")
    assert not Membership.objects.filter(user=lucie).exists()
    assert User.objects.filter(pk=lucie.pk).exists()

    page.get_by_role("link", name="Historique des modifications").click()
    expect(page.locator(".audit-entry").first).to_contain_text("Membre retiré de l’équipe")
    expect(page.locator(".audit-entry").nth(1)).to_contain_text("Secrétaire → Responsable")
    screenshot(page, "team-history-fr")


def test_the_page_in_english(page, school, manager, secretary, screenshot):
    manager.language = "en"
    manager.save()
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/team/")
    expect(page.get_by_role("heading", name="Team", exact=True)).to_be_visible()
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.locator(".field-error").first).to_be_visible()
    screenshot(page, "team-en-errors")
