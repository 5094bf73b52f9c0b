"""A manager, in a real browser: invites a secretary, sees her pending, makes her a manager, removes her."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from msem.accounts.models import Membership, Role, User
from msem.mailing.delivery import outbox_deliver
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

    expect(page.locator(".alert-success")).to_contain_text("Invitation envoyée à lucie@valneige.test")
    row = page.locator('tr[data-member="lucie@valneige.test"]')
    expect(row).to_contain_text("Invitation en attente")
    # Her e-mail has not left yet: a second one would only end its link (it is offered once it is sent or failed).
    expect(row).to_contain_text("E-mail en attente d’envoi")
    expect(row.get_by_role("button", name="Renvoyer l’invitation")).to_have_count(0)
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
    assert questions[0].startswith("Retirer Lucie Bernard de ESF Val Neige\u202f?")
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


def test_an_invitation_the_mail_server_refused_shows_on_her_row_with_the_resend_beside_it(
    page, school, manager, smtp_server, screenshot
):
    smtp_server.handler.data_answer = "550 5.1.1 <paul@valneige.test>: Recipient address rejected: User unknown"
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/team/")
    page.get_by_label("Adresse e-mail").fill("paul@valneige.test")
    page.get_by_label("Prénom").fill("Paul")
    page.get_by_label("Nom", exact=True).fill("Girard")
    page.get_by_role("button", name="Inviter", exact=True).click()
    row = page.locator('tr[data-member="paul@valneige.test"]')
    expect(row).to_contain_text("E-mail en attente d’envoi")

    outbox_deliver(time_budget=10)  # what the worker does
    page.reload()

    expect(row).to_contain_text("E-mail non remis")
    expect(row).to_contain_text("Réponse du serveur de messagerie : 550 5.1.1 <paul@valneige.test>: Recipient")
    screenshot(page, "team-invitation-failed-fr")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(row.locator(".invitation-error")).to_be_visible()
    # On a phone each member is a card: the server's answer stays inside it, under her name.
    # (The back office's menu is wider than 390 px on every page: that is not the Team page's own.)
    error, name = row.locator(".invitation-error").bounding_box(), row.locator("td").first.bounding_box()
    assert error is not None
    assert name is not None
    assert error["x"] == name["x"]
    assert error["x"] + error["width"] <= name["x"] + name["width"]
    screenshot(page, "team-invitation-failed-fr-phone")

    smtp_server.handler.data_answer = None
    row.get_by_role("button", name="Renvoyer l’invitation").click()
    expect(page.locator(".alert-success")).to_contain_text("Une nouvelle invitation")
    expect(row).to_contain_text("E-mail en attente d’envoi")
    outbox_deliver(time_budget=10)
    page.reload()
    expect(row).to_contain_text("E-mail envoyé")
    expect(row).not_to_contain_text("Réponse du serveur")
    assert len(smtp_server.to("paul@valneige.test")) == 1
