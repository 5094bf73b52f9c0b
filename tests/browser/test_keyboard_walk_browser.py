"""A secretary's day with the keyboard alone: where the focus lands after each thing she does.

QA (keyboard walk): every action on a dossier reloaded the page with the focus on <body>, at the top
of it: the next Tab went to "Skip to content", the message of what was done was out of sight and
unheard, and the section she was working in a dozen or thirty Tabs away, quote after quote line.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from msem.inquiries.models import Inquiry
from msem.quotes.models import Quote
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import product_with_price

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What has the keyboard: the element, the section or quote it is in, and what a screen reader reads
# of it (a message focused is read whole).
FOCUSED = """() => {
  const element = document.activeElement;
  const holder = element.closest("article.quote, section.card");
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    name: element.getAttribute("aria-label") || element.textContent.trim(),
    holder: holder ? holder.id : null,
    status: element.matches(".messages") ? element.querySelector('[role="status"]').textContent.trim() : null,
  };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def press_and_wait(page, key: str = "Enter") -> None:
    """A key that sends a form: the page comes back, then its "Ski lessons" panel."""
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state("networkidle")


def press_and_settle(page, key: str = "Enter") -> None:
    """A key that sends a form of the "Ski lessons" panel: the panel alone comes back (htmx), not the page."""
    page.evaluate("document.getElementById('quotes-panel').setAttribute('data-before', '')")
    page.keyboard.press(key)
    page.wait_for_function("() => !document.querySelector('#quotes-panel[data-before]')")
    page.wait_for_load_state("networkidle")


def expect_message_focused(page, section: str, text: str) -> None:
    expect(page.locator(f"#{section} .messages")).to_be_focused()
    now = focused(page)
    assert (now["holder"], now["status"]) == (section, text)
    expect(page.locator(f"#{section} .messages")).to_be_in_viewport(ratio=1)


def test_taking_and_saving_a_dossier_keeps_the_keyboard_in_its_panel(page, school, secretary, screenshot):
    inquiry = receive_inquiry(school, first_name="Paul", last_name="Lambert")
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Je m’en occupe").focus()

    press_and_wait(page)
    # The message is said where she is, and the next Tab is the panel's first field, not the top bar.
    expect_message_focused(page, "dossier-panel", "Le dossier est à vous.")
    screenshot(page, "keyboard-fr-dossier-taken", full_page=False)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Catégorie", exact=True)).to_be_focused()

    page.keyboard.press("Tab")  # Objet
    page.keyboard.press("Tab")  # Assignée à
    page.keyboard.press("Tab")
    expect(page.get_by_label("Statut")).to_be_focused()
    page.keyboard.press("ArrowDown")
    chosen = page.get_by_label("Statut").input_value()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Enregistrer le dossier")).to_be_focused()
    press_and_wait(page)
    expect_message_focused(page, "dossier-panel", "Le dossier est enregistré.")
    inquiry.refresh_from_db()
    assert (inquiry.assignee_id, inquiry.status) == (secretary.pk, chosen)
    assert chosen != Inquiry.Status.IN_PROGRESS


def test_an_answer_and_a_note_leave_the_keyboard_where_she_wrote_them(page, school, secretary):
    inquiry = receive_inquiry(school, first_name="Paul", last_name="Lambert")
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/")
    page.wait_for_load_state("networkidle")

    page.get_by_label("Votre réponse").focus()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nNous avons des cours le matin.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Envoyer la réponse")).to_be_focused()
    press_and_wait(page)
    expect_message_focused(page, "reply", f"Votre réponse part vers {inquiry.email}.")

    page.get_by_label("Note interne").focus()
    page.keyboard.type("Rappeler demain pour les niveaux.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Ajouter la note")).to_be_focused()
    press_and_wait(page)
    expect_message_focused(page, "timeline", "La note est ajoutée.")
    page.keyboard.press("Tab")
    assert focused(page)["holder"] == "timeline"  # on into the timeline, not to "Skip to content"


def test_building_a_quote_the_keyboard_follows_each_line(page, school, secretary, screenshot):
    product_with_price(school, code="COLL-FLOCON", name_fr="Cours collectif Flocon")
    product_with_price(school, code="PRIV-2H", name_fr="Cours privé 2 h", price="120.00")
    inquiry = receive_inquiry(school, first_name="Paul", last_name="Lambert")
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/")
    page.wait_for_load_state("networkidle")

    page.get_by_role("button", name="Nouveau devis").focus()
    press_and_wait(page)
    quote = Quote.objects.get()
    expect_message_focused(page, f"quote-{quote.pk}", f"Devis {quote.number} créé\u00a0: ajoutez ses prestations.")

    # Added: the keyboard on the new line's "Edit", its "Remove" next, then the add form again.
    for name, code in (("Cours collectif Flocon", "COLL-FLOCON"), ("Cours privé 2 h", "PRIV-2H")):
        page.get_by_role("button", name=f"Ajouter {name}").focus()
        press_and_settle(page)
        expect(page.get_by_role("button", name=f"Modifier {code}")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name=f"Retirer {code}")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_label("Catalogue")).to_be_focused()
    screenshot(page, "keyboard-fr-line-added", full_page=False)

    # Removed: said, and the keyboard stays in this quote.
    page.get_by_role("button", name="Retirer PRIV-2H").focus()
    press_and_settle(page)
    expect_message_focused(page, f"quote-{quote.pk}", "Ligne PRIV-2H retirée.")
    page.keyboard.press("Tab")
    assert focused(page)["holder"] == f"quote-{quote.pk}"
    assert list(quote.lines.values_list("product_code", flat=True)) == ["COLL-FLOCON"]

    # The e-mail first, as the client will read it: the keyboard on it, then on to "Envoyer le devis".
    page.get_by_role("button", name="Voir l’e-mail avant l’envoi").focus()
    page.keyboard.press("Enter")
    preview = page.locator(f"#send-preview-{quote.pk}")
    expect(preview).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=f"{quote.number}.pdf")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Envoyer le devis")).to_be_focused()
    press_and_wait(page)
    expect_message_focused(page, f"quote-{quote.pk}", f"Le devis part vers {inquiry.email}.")

    page.get_by_role("button", name="Envoyer la demande de paiement").focus()
    press_and_wait(page)
    request = quote.payment_requests.get()
    expect_message_focused(
        page, f"quote-{quote.pk}", f"La demande de paiement {request.reference} part vers {inquiry.email}."
    )
    screenshot(page, "keyboard-fr-payment-asked", full_page=False)


def test_the_same_in_english(page, school, secretary):
    secretary.language = "en"
    secretary.save()
    product_with_price(school, code="PRIV-2H", name_fr="Cours privé 2 h", name_en="Private lesson 2 h")
    inquiry = receive_inquiry(school, first_name="John", last_name="Smith", language="en")
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="I'll take it").focus()
    press_and_wait(page)
    expect_message_focused(page, "dossier-panel", "The dossier is yours.")
    page.get_by_role("button", name="New quote").focus()
    press_and_wait(page)
    page.get_by_role("button", name="Add Private lesson 2 h").focus()
    press_and_settle(page)
    expect(page.get_by_role("button", name="Edit PRIV-2H")).to_be_focused()
    page.get_by_role("button", name="Remove PRIV-2H").focus()
    press_and_settle(page)
    quote = Quote.objects.get()
    expect_message_focused(page, f"quote-{quote.pk}", "Line PRIV-2H removed.")


def test_enter_on_a_ticked_row_of_the_inbox_takes_nothing(page, school, secretary):
    """QA: Enter on a row's box sent the list's form with its first button, "I'll take the selection"."""
    inquiry = receive_inquiry(school, first_name="Paul", last_name="Lambert")
    log_in(page, secretary.email, PASSWORD)
    box = page.get_by_label(f"Sélectionner {inquiry.reference}")
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)  # a form sent would be on its way by now
    expect(box).to_be_focused()
    expect(box).to_be_checked()
    inquiry.refresh_from_db()
    assert (inquiry.assignee_id, inquiry.status) == (None, Inquiry.Status.NEW)
    # The buttons still do what they say, from the keyboard.
    page.get_by_role("button", name="Je m’occupe de la sélection").focus()
    press_and_wait(page)
    inquiry.refresh_from_db()
    assert inquiry.assignee_id == secretary.pk


RING = """() => {
  const style = getComputedStyle(document.activeElement);
  return style.outlineStyle === "solid" && parseFloat(style.outlineWidth) >= 2;
}"""


def test_the_calendar_button_of_a_date_field_shows_the_ring(page, school, secretary, screenshot):
    """QA: the last Tab stop of a date field, its calendar button, had only a thin black ring of Chromium's."""
    receive_inquiry(school)
    log_in(page, secretary.email, PASSWORD)
    page.get_by_role("button", name="Rechercher").focus()
    page.keyboard.press("Enter")
    field = page.get_by_label("Reçue du")
    field.focus()
    stops = []
    for _press in range(4):  # day, month, year, the calendar's button
        stops.append(page.evaluate(RING))
        page.keyboard.press("Tab")
        if not page.evaluate("document.activeElement.id === 'id_received_from'"):
            break
    assert stops == [True, True, True, True]  # the calendar's button last
    screenshot(page, "keyboard-fr-date-calendar-button", full_page=False)


# The ring of what has the keyboard against what is behind it (the first opaque background up the
# tree): the contrast ratio of WCAG 2.1, 3:1 at least for a focus indicator to be seen (1.4.11).
RING_CONTRAST = """() => {
  const element = document.activeElement;
  const parse = (colour) => colour.match(/[\\d.]+/g).map(Number);
  const luminance = (colour) => {
    const [r, g, b] = parse(colour).slice(0, 3).map((channel) => {
      const c = channel / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let behind = element.parentElement;
  while (behind && (getComputedStyle(behind).backgroundColor === "rgba(0, 0, 0, 0)")) {
    behind = behind.parentElement;
  }
  const ring = getComputedStyle(element).outlineColor;
  const back = behind ? getComputedStyle(behind).backgroundColor : "rgb(255, 255, 255)";
  const [light, dark] = [luminance(ring), luminance(back)].sort((a, b) => b - a);
  return { name: element.textContent.trim(), contrast: (light + 0.05) / (dark + 0.05) };
}"""


def test_the_user_menu_s_items_show_where_the_keyboard_is(page, school, secretary, screenshot):
    """QA: in the top bar's menus the ring was white, as on the dark bar, on their white panel."""
    log_in(page, secretary.email, PASSWORD)
    summary = page.locator(".user-menu summary")
    summary.focus()
    assert page.evaluate(RING_CONTRAST)["contrast"] >= 3  # on the dark top bar: white
    page.keyboard.press("Enter")
    stops = []
    for _press in range(5):  # Français, English, password, two steps, log out
        page.keyboard.press("Tab")
        stops.append(page.evaluate(RING_CONTRAST))
    assert [stop["name"] for stop in stops] == [
        "Français",
        "English",
        "Modifier mon mot de passe",
        "Validation en deux étapes",
        "Se déconnecter",
    ]
    assert [stop["name"] for stop in stops if stop["contrast"] < 3] == []
    screenshot(page, "keyboard-fr-user-menu-focus", full_page=False)
    page.keyboard.press("Escape")
    expect(summary).to_be_focused()


def test_back_in_the_inbox_the_keyboard_is_on_the_dossier_she_left(page, school, secretary, screenshot):
    """QA: "Requests" on a dossier led back to the inbox with the focus at the top, the row she had
    opened three Tabs a row further down."""
    inquiries = [receive_inquiry(school, first_name="Paul", last_name=f"Client {number}") for number in range(12)]
    opened = inquiries[3]
    log_in(page, secretary.email, PASSWORD)
    page.get_by_role("link", name=opened.reference).focus()
    press_and_wait(page)
    page.locator(".page-header").get_by_role("link", name="Demandes").focus()
    press_and_wait(page)
    expect(page.get_by_role("link", name=opened.reference)).to_be_focused()
    expect(page.get_by_role("link", name=opened.reference)).to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Paul Client 3")).to_be_focused()
    screenshot(page, "keyboard-fr-back-in-the-inbox", full_page=False)


def test_back_in_the_inbox_after_the_dossier_left_the_list_the_keyboard_is_at_the_list(page, school, secretary):
    """QA: a dossier taken under the filter "Nouvelle" is no longer listed: the focus stayed on nothing,
    the next Tab went through the top bar and the menu again."""
    receive_inquiry(school, first_name="Paul", last_name="Lambert")
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/?status=new#DEM-2020-99999")

    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_a_message_at_the_top_of_a_page_has_the_keyboard(page, school, secretary):
    """Archived from the dossier's page: the message is said and Tab goes on in the page, not through
    the top bar and the menu again."""
    inquiry = receive_inquiry(school, first_name="Paul", last_name="Lambert")
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/")
    page.get_by_role("button", name="Archiver").focus()
    press_and_wait(page)
    banner = page.locator("main > .messages")
    expect(banner).to_be_focused()
    expect(banner.get_by_role("status")).to_have_text("Le dossier est archivé.")
    page.keyboard.press("Tab")
    expect(page.locator(".page-header").get_by_role("link", name="Demandes")).to_be_focused()


# What is written into a live region once the page is there: what a screen reader says.
SPOKEN = """
window.__spoken = [];
new MutationObserver(function (records) {
  records.forEach(function (record) {
    var node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
    var region = node && node.closest('[role="status"], [role="alert"], [aria-live]');
    if (region && region.textContent.trim()) {
      window.__spoken.push(region.textContent.replace(/\\s+/g, " ").trim());
    }
  });
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def test_a_search_in_the_inbox_says_how_many_it_found_not_the_whole_list(page, school, secretary):
    """QA: the whole list was the live region: each search read out every row, names, dates and all."""
    receive_inquiry(school, first_name="Hélène", last_name="Favre", email="helene@example.fr")
    receive_inquiry(school, first_name="John", last_name="Smith", email="john@example.uk")
    page.add_init_script(SPOKEN)
    log_in(page, secretary.email, PASSWORD)
    page.get_by_role("button", name="Rechercher").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("searchbox", name="Rechercher")).to_be_focused()
    page.keyboard.type("favre")
    expect(page.locator("#inbox-results")).to_contain_text("1 demande")
    page.wait_for_timeout(300)
    spoken = page.evaluate("window.__spoken")
    assert spoken[-1] == "1 demande"
    assert [said for said in spoken if "Favre" in said or "Smith" in said] == []
    expect(page.get_by_role("searchbox", name="Rechercher")).to_be_focused()  # typing goes on

    page.keyboard.type("zzz")
    expect(page.locator("#inbox-results")).to_contain_text("Aucune demande ne correspond à ces critères")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__spoken")[-1] == "Aucune demande ne correspond à ces critères"


def test_a_search_of_the_products_says_how_many_it_found_not_the_whole_list(page, school, secretary):
    """QA: the quote's product list was the live region: each letter typed read out every product and price."""
    product_with_price(school, code="COLL-FLOCON", name_fr="Cours collectif Flocon")
    product_with_price(school, code="COLL-OURSON", name_fr="Cours collectif Ourson")
    product_with_price(school, code="PRIV-2H", name_fr="Cours privé 2 h", price="120.00")
    inquiry = receive_inquiry(school, first_name="Paul", last_name="Lambert")
    page.add_init_script(SPOKEN)
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/")
    page.get_by_role("button", name="Nouveau devis").focus()
    press_and_wait(page)
    page.wait_for_timeout(300)
    # Not on load: neither the list nor its count, only the message of what she did.
    assert [said for said in page.evaluate("window.__spoken") if "€" in said or said.endswith("prestations")] == []

    page.get_by_role("searchbox", name="Rechercher").focus()
    page.keyboard.type("collectif")
    expect(page.locator(".product-results li")).to_have_count(2)
    page.wait_for_timeout(300)
    spoken = page.evaluate("window.__spoken")
    assert spoken[-1] == "2 prestations"
    assert [said for said in spoken if "Flocon" in said or "€" in said] == []
    page.keyboard.type(" flocon")
    expect(page.locator(".product-results li")).to_have_count(1)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__spoken")[-1] == "1 prestation"
    expect(page.get_by_role("searchbox", name="Rechercher")).to_be_focused()


def test_a_skip_link_leads_straight_to_the_dossier_panel(page, school, secretary, screenshot):
    """QA: the Dossier panel is read after the whole main column (the request, the quotes, the answer,
    the timeline): "I'll take it" was twenty Tabs away on a new dossier, sixty on one with a quote."""
    inquiry = receive_inquiry(school, first_name="Paul", last_name="Lambert")
    log_in(page, secretary.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au panneau Dossier")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    screenshot(page, "keyboard-fr-skip-to-the-dossier-panel", full_page=False)
    page.keyboard.press("Enter")
    expect(page.locator("#dossier-panel")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Je m’en occupe")).to_be_focused()


# Does the ring of what has the keyboard fit inside every box above it that cuts what overflows it?
RING_UNCUT = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const reach = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth);
  const box = element.getBoundingClientRect();
  const ring = { top: box.top - reach, bottom: box.bottom + reach, left: box.left - reach, right: box.right + reach };
  const cuts = [];
  for (let parent = element.parentElement; parent; parent = parent.parentElement) {
    const overflow = getComputedStyle(parent);
    if (overflow.overflowX === "visible" && overflow.overflowY === "visible") continue;
    const edge = parent.getBoundingClientRect();
    if (ring.top < edge.top || ring.bottom > edge.bottom || ring.left < edge.left || ring.right > edge.right) {
      cuts.push(parent.className);
    }
  }
  return cuts;
}"""


def test_the_ring_on_a_client_s_name_in_the_inbox_is_whole(page, school, secretary):
    """QA: the name is cut at its column's edge, and so was the ring around it, its top edge gone."""
    inquiry = receive_inquiry(school, first_name="Paul", last_name="Lambert")
    log_in(page, secretary.email, PASSWORD)
    page.get_by_role("link", name=inquiry.reference).focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Paul Lambert")).to_be_focused()
    assert page.evaluate(RING_UNCUT) == []


# Which column of the dossier has the keyboard: "side" (the Dossier panel's), "main" (the request's), or None.
COLUMN = """() => {
  const element = document.activeElement;
  return element.closest(".dossier-side") ? "side" : element.closest(".dossier-main") ? "main" : null;
}"""


# On a phone the side column (the Dossier panel's) is shown above the request; beside it, wide, after it.
SEEN_ORDER = {390: ("side", "main"), 1280: ("main", "side")}


@pytest.mark.parametrize("width", SEEN_ORDER)
def test_the_tab_key_goes_through_the_dossier_in_the_order_she_sees_it(page, school, secretary, width):
    """QA: on a phone the Dossier panel is shown first, above the request, but Tab went through the
    request, the quotes, the answer and the whole timeline before reaching it."""
    inquiry = receive_inquiry(school, first_name="Paul", last_name="Lambert")
    log_in(page, secretary.email, PASSWORD)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Archiver").focus()
    first, then = SEEN_ORDER[width]

    page.keyboard.press("Tab")
    assert page.evaluate(COLUMN) == first
    if first == "side":
        expect(page.get_by_role("button", name="Je m’en occupe")).to_be_focused()
    columns = [first]
    for _ in range(80):
        page.keyboard.press("Tab")
        column = page.evaluate(COLUMN)
        if column is None:
            break
        if column != columns[-1]:
            columns.append(column)
    assert columns == [first, then]  # each column whole, then the other: never back and forth

    # And back with Shift+Tab: from the second column's first field to the first column's last.
    page.get_by_role("button", name="Archiver").focus()
    page.keyboard.press("Tab")
    while page.evaluate(COLUMN) == first:
        page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(COLUMN) == first
