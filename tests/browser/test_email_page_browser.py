"""An outgoing e-mail's page in a real browser: the whole message, legal footer included, at 1366 pixels."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from msem.inquiries.dossier import inquiry_reply
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
