"""The e-mails pages in a real browser at 1366 pixels: the failed ones found, and one read whole with its attempts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from msem.inquiries.dossier import inquiry_reply
from msem.mailing.delivery import outbox_deliver
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.inquiries.helpers import receive_inquiry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWER = (
    "Bonjour,\n\nMerci pour votre demande. Nous avons des cours collectifs le matin de 9 h à 11 h 30.\n\n"
    "Voici le détail :\n- 1re Étoile : 189 €\n- 2e Étoile : 189 €\n- Cours particulier 1 h : 62 €\n\n"
    "N'hésitez pas à nous rappeler.\n\nBien cordialement,"
)


FOOTER = "Mentions légales : ESF Val Neige, SIRET 123 456 789 00012, médiateur de la consommation CM2C."


def test_a_reply_is_shown_whole_with_its_legal_footer_and_opens_in_a_tab(page, school, secretary, screenshot):
    school.legal_footer_fr = FOOTER
    school.save(update_fields=["legal_footer_fr"])
    inquiry = receive_inquiry(school, first_name="Ana", last_name="Lopez")
    email = inquiry_reply(school=school, actor=secretary, inquiry_id=inquiry.pk, subject="Vos cours", body=ANSWER)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/emails/{email.pk}/")

    frame_element = page.locator("iframe.email-frame")
    frame_element.scroll_into_view_if_needed()
    preview = frame_element.content_frame
    footer = preview.get_by_text(FOOTER)
    expect(footer).to_be_visible()
    # Nothing cut: the footer's last line lies inside the frame without scrolling it.
    frame_box = frame_element.bounding_box()
    footer_box = footer.bounding_box()
    assert frame_box is not None
    assert footer_box is not None
    assert footer_box["y"] + footer_box["height"] <= frame_box["y"] + frame_box["height"]
    assert preview.locator("html").evaluate("element => element.scrollTop") == 0
    screenshot(page, "email-reply", full_page=False)

    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Ouvrir dans un nouvel onglet").click()
    tab = opened.value
    expect(tab.get_by_text("Bien cordialement,")).to_be_visible()
    expect(tab.get_by_text(FOOTER)).to_be_visible()
    tab.close()


LONG_SUBJECT = (
    "Vos cours du 27 décembre au 3 janvier : collectifs le matin pour Léa et Tom, "
    "cours particulier d'une heure l'après-midi, et le club Piou-Piou pour la petite"
)
REFUSED = "550 5.1.1 <ana.lopez@exemple.fr>: Recipient address rejected: User unknown"

ONE_LINE_ROWS = """table => {
  const heights = [...table.tBodies[0].rows].map(row => row.getBoundingClientRect().height);
  const box = table.parentElement;
  return {lowest: Math.min(...heights), highest: Math.max(...heights), sideways: box.scrollWidth > box.clientWidth};
}"""


def test_the_failed_emails_are_found_and_one_shows_the_servers_answer(page, school, secretary, smtp_server, screenshot):
    claire = receive_inquiry(school, first_name="Claire", last_name="Martin", email="claire.martin@example.org")
    inquiry_reply(school=school, actor=secretary, inquiry_id=claire.pk, subject=LONG_SUBJECT, body=ANSWER)
    outbox_deliver(time_budget=10)
    # The mail server refuses Ana's address for good: her acknowledgement and the notification fail.
    smtp_server.handler.data_answer = REFUSED
    ana = receive_inquiry(school, first_name="Ana", last_name="Lopez", email="ana.lopez@exemple.fr")
    outbox_deliver(time_budget=10)

    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, secretary.email, PASSWORD)
    page.get_by_role("link", name="E-mails", exact=True).click()
    rows = page.locator(".emails-table tbody tr")
    expect(rows).to_have_count(5)
    # One line per row at 1366 pixels: the long subject ends with an ellipsis, whole in its title.
    shape = page.locator(".emails-table").evaluate(ONE_LINE_ROWS)
    assert shape["highest"] - shape["lowest"] < 1, shape
    assert shape["highest"] < 45, shape
    assert not shape["sideways"]
    expect(page.locator(f'td.col-subject[title="{LONG_SUBJECT}"]')).to_be_visible()
    screenshot(page, "emails", full_page=False)

    page.get_by_role("link", name="2 e-mails ont échoué").click()
    expect(page).to_have_url(re.compile(r"\?status=failed$"))
    expect(page.locator("#id_status")).to_have_value("failed")
    expect(rows).to_have_count(2)
    expect(rows.locator(".delivery")).to_have_text(["Échec", "Échec"])
    screenshot(page, "emails-failed", full_page=False)

    # The client says he got nothing: his address, typed in any case.
    page.locator("#id_q").fill("ANA.LOPEZ")
    page.locator("#id_q").press("Enter")
    expect(page).to_have_url(re.compile(r"q=ANA.LOPEZ"))
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ana.reference)
    attempts = page.locator("section", has=page.get_by_role("heading", name="Tentatives d’envoi"))
    expect(attempts).to_contain_text("Échec définitif")
    expect(attempts).to_contain_text(REFUSED)
    # The answer starts with its code: not said twice ("550 550 5.1.1 …").
    expect(attempts).not_to_contain_text("550 550")

    # Back to the list as it was left.
    page.go_back()
    expect(page.locator("#id_q")).to_have_value("ANA.LOPEZ")
    expect(page.locator("#id_status")).to_have_value("failed")
    expect(rows).to_have_count(1)

    # Opened again: what the refusal means, in her words, above the server's answer kept as it came,
    # and the way to the dossier's Client panel, where she corrects the address and sends it again.
    rows.first.get_by_role("link").click()
    refusal = page.locator(".email-refused")
    expect(refusal).to_contain_text("Cette adresse n’existe pas\u00a0: vérifiez-la avec le client")
    expect(page.locator(".facts")).to_contain_text(REFUSED)
    screenshot(page, "email-refused-explained", full_page=False)
    refusal.get_by_role("link", name=f"Ouvrir le panneau Client du dossier {ana.reference}").click()
    expect(page).to_have_url(re.compile(rf"/inquiries/{ana.reference}/#client$"))
    card = page.locator("#client")
    expect(card).to_contain_text("e-mail non délivré à ana.lopez@exemple.fr")
    expect(card.get_by_role("button", name="Enregistrer l’adresse")).to_be_in_viewport()


def test_the_address_is_corrected_on_the_clients_other_open_dossier_too(page, school, secretary, smtp_server):
    # Claire wrote twice with the same typo: both acknowledgements are refused.
    smtp_server.handler.data_answer = "550 5.1.1 <claire.martin@gmial.com>: Recipient address rejected: User unknown"
    first = receive_inquiry(school, first_name="Claire", last_name="Martin", email="claire.martin@gmial.com")
    second = receive_inquiry(school, first_name="Claire", last_name="Martin", email="claire.martin@gmial.com")
    outbox_deliver(time_budget=10)
    smtp_server.handler.data_answer = None

    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{first.reference}/")
    card = page.locator("#client")
    card.get_by_label("Adresse corrigée").fill("claire.martin@gmail.com")
    card.get_by_label(f"Corriger aussi sur l’autre dossier ouvert de ce client ({second.reference})").check()
    card.get_by_role("button", name="Enregistrer l’adresse").click()

    expect(page.get_by_text(f"sur ce dossier et sur {second.reference}.")).to_be_visible()
    page.goto(f"/backoffice/{school.slug}/inquiries/{second.reference}/")
    expect(page.locator("#client dd").first).to_be_visible()
    expect(page.locator("#client")).to_contain_text("claire.martin@gmail.com")
    # Its own refused acknowledgement now waits to be sent again to the corrected address.
    expect(page.locator("#client")).to_contain_text("L’adresse du client a été corrigée depuis")
    expect(page.locator("#timeline")).to_contain_text(f"(avec le dossier {first.reference})")
