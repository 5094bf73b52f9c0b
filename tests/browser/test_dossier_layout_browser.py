"""The dossier page in a browser: on a 1024-pixel screen, and after a refused form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from msem.accounts.models import User
from msem.inquiries.dossier import inquiry_note_add
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import draft_quote, payment_request, sent_quote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_1024_screen_the_panel_and_the_phone_are_in_the_first_screen(
    page, school, secretary, language, screenshot
):
    busy = receive_inquiry(school, first_name="Paul", last_name="Lambert", phone="06 11 22 33 44")
    for number in range(30):
        inquiry_note_add(school=school, actor=secretary, inquiry_id=busy.pk, text=f"Appel n° {number + 1} : rappeler.")
    log_in(page, secretary.email, PASSWORD)
    User.objects.filter(pk=secretary.pk).update(language=language)
    take = "Je m’en occupe" if language == "fr" else "I'll take it"

    for width, height in ((1024, 768), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/backoffice/{school.slug}/inquiries/{busy.reference}/")
        button = page.get_by_role("button", name=take)
        expect(button).to_be_visible()
        assert button.bounding_box()["y"] + button.bounding_box()["height"] < height
        # Beside the timeline, not above or below it; the client's phone a short scroll away.
        side = page.locator(".dossier-side").bounding_box()
        main = page.locator(".dossier-main").bounding_box()
        assert side["x"] >= main["x"] + main["width"]
        assert page.get_by_role("link", name="06 11 22 33 44").bounding_box()["y"] < 2 * height
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"dossier-{language}-{width}", full_page=False)


# Whatever sticks out of a card of the side column, by how many pixels (none expected).
OUTSIDE_THEIR_CARD = """() => [...document.querySelectorAll('.dossier-side .card *')].flatMap(element => {
    const card = element.closest('.card').getBoundingClientRect();
    const box = element.getBoundingClientRect();
    const past = Math.round(box.right - card.right);
    const named = `${element.tagName} «${element.textContent.trim().slice(0, 40)}»`;
    return box.width > 0 && past > 0 ? [`${named} +${past}px`] : [];
})"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_managers_side_column_keeps_its_buttons_inside_their_cards(page, school, manager, language):
    # The narrowest side column: the dossier's two columns from 901 px, the menu's labels back at 1 440.
    dossier = receive_inquiry(school, first_name="Paul", last_name="Lambert", email="paul.lambert@exemple-long.fr")
    User.objects.filter(pk=manager.pk).update(language=language)
    log_in(page, manager.email, PASSWORD)

    for width in (901, 960, 1024, 1300, 1366, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/backoffice/{school.slug}/inquiries/{dossier.reference}/")
        # "Données personnelles de ce client" ran 20 px past its card at 960 and 1 024 px.
        expect(page.locator(".dossier-side form.inline-form button")).to_be_visible()
        assert page.evaluate(OUTSIDE_THEIR_CARD) == [], width


def test_after_a_refused_answer_the_address_is_the_dossiers_and_reloading_shows_it(page, school, secretary):
    dossier = receive_inquiry(school, first_name="Paul", last_name="Lambert")
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/?f=1&q=Lambert")
    page.get_by_role("link", name="Paul Lambert").click()
    page.wait_for_url(f"**/inquiries/{dossier.reference}/?back=*")
    dossier_address = page.url

    page.get_by_label("Votre réponse").fill("")
    page.get_by_role("button", name="Envoyer la réponse").click()
    expect(page.locator(".field-error").first).to_be_visible()
    assert page.url == dossier_address  # not …/reply/, a POST-only address

    response = page.reload()
    assert response.status == 200
    expect(page.get_by_role("heading", name=f"{dossier.reference} · Paul Lambert")).to_be_visible()
    # The page's own "Demandes" link (the menu's opens her default list).
    page.locator(".page-header").get_by_role("link", name="Demandes").click()
    page.wait_for_url("**/inquiries/?*q=Lambert*")


IN_VIEW = "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; }"


@pytest.mark.parametrize("form", ["reply", "note"])
def test_on_a_phone_a_refused_answer_or_note_opens_on_the_field_to_correct(page, school, secretary, form):
    """QA: the page came back at its top, the error far below: on a phone nothing seemed to happen."""
    dossier = receive_inquiry(school, first_name="Paul", last_name="Lambert")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{dossier.reference}/")
    if form == "reply":
        field, button = page.get_by_label("Votre réponse"), "Envoyer la réponse"
    else:
        field, button = page.get_by_label("Note interne"), "Ajouter la note"
    field.fill("")
    page.get_by_role("button", name=button).click()

    field = page.locator(f"#{field.get_attribute('id')}")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    error = page.locator(f"#{field.get_attribute('aria-describedby')}")
    expect(error).to_have_text("Ce champ est obligatoire.")
    assert field.evaluate(IN_VIEW)
    assert error.evaluate(IN_VIEW)


# The room between a card's explanation and the first label of its form, in pixels.
HINT_TO_LABEL = """hint => {
    const label = hint.nextElementSibling.querySelector('label') || hint.nextElementSibling;
    return Math.round(label.getBoundingClientRect().top - hint.getBoundingClientRect().bottom);
}"""


def test_a_forms_explanation_is_apart_from_its_first_label(page, school, secretary):
    """QA: "…your answer assigns it to you." ran into "Subject line" below it, as the quote's and the
    payment request's explanations into their first field: the label read as part of the sentence."""
    reply_to = receive_inquiry(school)
    draft = draft_quote(school, secretary)
    sent = sent_quote(school, secretary)
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{reply_to.reference}/")
    assert page.locator("#reply > .hint").evaluate(HINT_TO_LABEL) >= 8
    page.goto(f"/backoffice/{school.slug}/inquiries/{draft.inquiry.reference}/")
    assert page.locator("form.quote-send > .hint").evaluate(HINT_TO_LABEL) >= 8
    page.goto(f"/backoffice/{school.slug}/inquiries/{sent.inquiry.reference}/")
    assert page.locator("form.payment-request-form > .hint").first.evaluate(HINT_TO_LABEL) >= 8


def test_a_payment_requests_actions_are_one_row_of_the_same_size(page, school, secretary):
    """QA: "payment page", in lower case and larger, began the row of "Send a reminder" and "Cancel"."""
    quote = sent_quote(school, secretary)
    payment_request(school, secretary, quote)
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    actions = page.locator(".payment-actions").first
    expect(actions.get_by_role("link", name="Page de paiement", exact=True)).to_be_visible()
    sizes = actions.evaluate("row => [...row.querySelectorAll('a, button')].map(e => getComputedStyle(e).fontSize)")
    assert len(sizes) == 3, sizes
    assert len(set(sizes)) == 1, sizes


# From the bottom of the last button of one block to the top of the next element: the room between them.
ROOM_BELOW = (
    "element => element.nextElementSibling.getBoundingClientRect().top - element.getBoundingClientRect().bottom"
)


def test_cancel_this_quote_is_as_far_from_send_as_the_other_action_rows(page, school, secretary):
    """QA: "Cancel this quote" sat 2 px under the button that sends the quote, as if part of it; under a
    sent quote's payment request form, the row of actions has its room."""
    draft = draft_quote(school, secretary)
    sent = sent_quote(school, secretary)
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{sent.inquiry.reference}/")
    expected = page.locator("form.payment-request-form").evaluate(ROOM_BELOW)
    assert expected >= 10

    page.goto(f"/backoffice/{school.slug}/inquiries/{draft.inquiry.reference}/")
    send = page.locator("form.quote-send")
    expect(page.get_by_role("button", name="Annuler ce devis")).to_be_visible()
    assert abs(send.evaluate(ROOM_BELOW) - expected) <= 1


# How far below its label's text a radio button's middle is, in pixels (0: on the text's middle line).
RADIO_BELOW_ITS_TEXT = """label => {
    const radio = label.querySelector('input');
    const text = document.createRange();
    text.selectNodeContents(label);
    text.setStartAfter(radio);
    const middle = box => (box.top + box.bottom) / 2;
    return middle(radio.getBoundingClientRect()) - middle(text.getBoundingClientRect());
}"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_payment_kinds_radio_buttons_sit_on_their_labels_line(page, school, secretary, language, screenshot):
    """QA: the radio buttons of "Whole amount" and "Deposit" sat below their words."""
    sent = sent_quote(school, secretary)
    User.objects.filter(pk=secretary.pk).update(language=language)
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{sent.inquiry.reference}/")
    labels = page.locator(".kind-choice label")
    expect(labels).to_have_count(2)
    offsets = [label.evaluate(RADIO_BELOW_ITS_TEXT) for label in labels.all()]
    assert all(abs(offset) <= 0.5 for offset in offsets), offsets
    screenshot(page, f"payment-kind-{language}")
