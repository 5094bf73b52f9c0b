"""A secretary or a director opens each back-office screen on a phone: none is wider than the screen.

The demo school's season (420 requests, quotes, sales, e-mails) fills the screens as a busy school's
would; a draft quote of two lines, a held request, an invitation, a role change and an e-mail the mail
server refused are added so that the quote editor, the quarantine, the team, the history of changes and
an e-mail's attempts have their rows too.

The inbox, the team, the e-mails and an e-mail's delivery attempts, the sales to 4807, the price lists, the
dashboard's waiting requests and quotes to follow up, the quarantine, the open sessions, the history of changes
and a quote's lines are lists of cards there, not tables to scroll sideways; they stay tables for a screen
reader, as Chromium's own accessibility tree shows (read through the DevTools protocol). The dashboard's tables
of figures stack each row there, its name above its figures, each under its column's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.utils import translation
from playwright.sync_api import expect

from msem.accounts.models import Membership, Role, User
from msem.accounts.team import membership_invite, membership_role_set
from msem.connector4807.pushing import sales_push_due
from msem.demo.services import DEMO_PASSWORD, demo_school_ensure
from msem.inquiries.models import Inquiry, QuarantinedRequest
from msem.inquiries.quarantine import quarantine_put
from msem.mailing.delivery import outbox_deliver
from msem.mailing.models import OutgoingEmail
from msem.payments.models import PaymentRequest
from msem.quotes.formatting import format_money
from msem.quotes.models import Quote
from msem.sales.models import Sale
from tests.browser.conftest import log_in
from tests.browser.test_accessibility_browser import BLOCKING, axe_violations, describe
from tests.connector4807.test_connector import paid_sale, simulator  # noqa: F401 (fixture)
from tests.factories import PASSWORD
from tests.inquiries.helpers import intake_data, receive_inquiry
from tests.quotes.helpers import (
    catalog,
    draft_quote,
    off_peak_private_lesson,
    payment_request,
    product_with_price,
    sent_quote,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A phone held upright (an iPhone 14's screen, in CSS pixels), as Chromium draws a page on a phone.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
MANAGER = "manager@demo.test"


def page_width_overflow(page) -> int:
    """How many pixels the page is wider than the screen (0: nothing to scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


# The words "e-mail", "e-mails", "e-mailed" that a line ends in the middle of, after their hyphen ("e-" / "mail").
HYPHENATED_WORDS_BROKEN = r"""() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (const match of node.data.matchAll(/e-mail\w*/gi)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].filter(box => box.width > 0).map(box => Math.round(box.top)));
      if (lines.size > 1) broken.push(node.data.trim().slice(0, 80));
    }
  }
  return broken;
}"""


def box_overflow(page) -> int:
    """How many pixels the widest table's box scrolls sideways (0: its rows fit the screen)."""
    return page.evaluate(
        "Math.max(0, ...[...document.querySelectorAll('.table-scroll')].map(box => box.scrollWidth - box.clientWidth))"
    )


def accessible_table(page, selector: str) -> dict[str, int]:
    """The rows, cells and column headers that Chromium's accessibility tree (a screen reader's) holds in a table."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        table = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        counts = {}
        for role in ("table", "row", "columnheader", "cell"):
            nodes = cdp.send("Accessibility.queryAXTree", {"nodeId": table, "role": role})["nodes"]
            counts[role] = len([node for node in nodes if not node.get("ignored")])
        return counts
    finally:
        cdp.detach()


# A mail server's refusal as long as they come: its address has no space to break a line at.
LONG_REFUSAL = (
    "550 5.7.1 Service unavailable; client host [203.0.113.5] blocked using zen.spamhaus.org; see "
    "https://check.spamhaus.org/query/ip/203.0.113.5?ref=smtp-reject&id=AB12CD34EF56GH78IJ90KL12MN34OP56QR78ST90UV12WX34YZ"
)


@pytest.fixture
def busy_school(smtp_server):
    """The demo school's season (its two held requests too), and one of each row the demo has none of."""
    school = demo_school_ensure().school
    smtp_server.handler.data_answer = LONG_REFUSAL
    receive_inquiry(school, first_name="Ana", last_name="Lopez", email="ana.lopez@exemple.fr")
    assert outbox_deliver(time_budget=10).failed == 2  # her acknowledgement and the school's notification
    manager = User.objects.get(email=MANAGER)
    long_name = off_peak_private_lesson(school)
    unanswered = Inquiry.objects.for_school(school).filter(quotes__isnull=True).order_by("-received_at").first()
    draft_quote(
        school, manager, inquiry=unanswered, lines=[(product_with_price(school), None, 4, 1), (long_name, None, 1, 2)]
    )
    membership_invite(
        school=school,
        actor=manager,
        email="marie-christine.de-la-fontaine@esf-valneige.example.com",
        full_name="Marie-Christine de La Fontaine",
        role=Role.SECRETARY,
        language="fr",
    )
    secretary = Membership.objects.for_school(school).get(user__email="secretaire@demo.test")
    membership_role_set(school=school, actor=manager, membership_id=secretary.pk, role=Role.MANAGER)
    return school


def _dossier_with_draft(page, school):
    quote = Quote.objects.for_school(school).get(status=Quote.Status.DRAFT)
    page.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    expect(page.locator("#quotes-panel")).not_to_have_attribute("aria-busy", "true", timeout=30_000)


def _dossier_with_sale(page, school):
    sale = Sale.objects.for_school(school).order_by("-pk").first()
    page.goto(f"/backoffice/{school.slug}/inquiries/{sale.inquiry.reference}/")
    expect(page.locator("#quotes-panel")).not_to_have_attribute("aria-busy", "true", timeout=30_000)


def _email(page, school):
    # A quote's e-mail: its text carries the client's page's long address.
    email = OutgoingEmail.objects.filter(school=school, text_body__contains="/quote/").order_by("pk").first()
    page.goto(f"/backoffice/{school.slug}/emails/{email.pk}/")


def _email_refused(page, school):
    # The mail server's answer in its attempts' list: one long address.
    email = OutgoingEmail.objects.filter(school=school, last_error=LONG_REFUSAL).order_by("pk").first()
    page.goto(f"/backoffice/{school.slug}/emails/{email.pk}/")


def _personal_data(page, school):
    inquiry = Inquiry.objects.for_school(school).order_by("-received_at").first()
    page.goto(f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/")
    page.locator("form[action$='/personal-data/'] button").click()
    expect(page.locator(".summary-list")).to_be_visible(timeout=30_000)


def _settings(page, school):
    page.goto(f"/backoffice/{school.slug}/settings/")
    # Opened: the addresses and codes of the form for the school's website are long.
    page.locator("#form-embedding summary").click()
    expect(page.locator("#form-embedding pre").first).to_be_visible(timeout=30_000)


def _at(path: str) -> Callable:
    return lambda page, school: page.goto(path.format(slug=school.slug))


SCREENS: dict[str, Callable] = {
    "dashboard": _at("/backoffice/{slug}/dashboard/"),
    "inbox": _at("/backoffice/{slug}/inquiries/"),
    "dossier-draft-quote": _dossier_with_draft,
    "dossier-sale": _dossier_with_sale,
    "emails": _at("/backoffice/{slug}/emails/"),
    "email": _email,
    "email-refused": _email_refused,
    "catalogs": _at("/backoffice/{slug}/catalogs/"),
    "sales": _at("/backoffice/{slug}/sales/"),
    "quarantine": _at("/backoffice/{slug}/quarantine/"),
    "personal-data": _personal_data,
    "team": _at("/backoffice/{slug}/team/"),
    "settings": _settings,
    "history": _at("/backoffice/{slug}/settings/history/"),
    "password-sessions": _at("/backoffice/password/"),
    "two-step": _at("/backoffice/two-step/"),
    "two-step-enrol": _at("/backoffice/two-step/enrol/"),
}


# The lists a phone shows as cards: nothing in them scrolls sideways, and axe finds nothing serious.
# The dossiers: their quotes' lines.
LISTS_OF_CARDS = {
    "inbox",
    "dossier-draft-quote",
    "dossier-sale",
    "team",
    "emails",
    "email-refused",
    "catalogs",
    "sales",
    "quarantine",
    "history",
    "password-sessions",
}


@pytest.fixture
def phone(browser, page, live_server):
    """The `page` fixture's twin on a phone (its console watched the same way: `page` stays open)."""
    context = browser.new_context(base_url=live_server.url, **PHONE)
    phone_page = context.new_page()
    # The demo's season makes big pages, on a shared machine: more time than the `page` fixture's 10 s.
    phone_page.set_default_timeout(30_000)
    problems: list[str] = []
    phone_page.on("pageerror", lambda error: problems.append(str(error)))
    phone_page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")
            and problems.append(message.text)
        ),
    )
    yield phone_page
    context.close()
    assert problems == [], f"errors in the browser console: {problems}"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_back_office_screen_is_wider_than_a_phone(phone, busy_school, language, screenshot):
    User.objects.filter(email=MANAGER).update(language=language)
    wider: dict[str, int] = {}

    phone.goto("/backoffice/login/")
    screenshot(phone, f"phone-{language}-login")
    wider["login"] = page_width_overflow(phone)
    log_in(phone, MANAGER, DEMO_PASSWORD)
    scrolled: dict[str, int] = {}
    violations: dict[str, list] = {}
    broken_words: dict[str, list[str]] = {}
    for name, visit in SCREENS.items():
        visit(phone, busy_school)
        phone.wait_for_load_state("networkidle")
        screenshot(phone, f"phone-{language}-{name}")
        wider[name] = page_width_overflow(phone)
        broken_words[name] = phone.evaluate(HYPHENATED_WORDS_BROKEN)
        if name in LISTS_OF_CARDS:
            scrolled[name] = box_overflow(phone)
            violations[name] = axe_violations(phone)

    # 1 px: a rounding of the layout, not something to scroll to.
    assert {name: pixels for name, pixels in wider.items() if pixels > 1} == {}
    # The inbox's eight columns scrolled 600 px sideways in their box, the client's name out of sight.
    assert {name: pixels for name, pixels in scrolled.items() if pixels > 1} == {}
    blocking = {
        name: describe(found) for name, found in violations.items() if any(v["impact"] in BLOCKING for v in found)
    }
    assert blocking == {}
    # "e-" at the end of a line and "mail" on the next: the quarantine's introduction, the settings' sections.
    assert {name: words for name, words in broken_words.items() if words} == {}


# Where the keyboard's focus is, after each Tab: the dossier a link opens (its card's reference), in sight or not.
FOCUSED = """() => {
  const element = document.activeElement;
  const card = element.closest('.inbox-table tbody tr');
  const box = element.getBoundingClientRect();
  return {
    kind: element.matches('.reference-link') ? 'reference' : element.matches('.client-link') ? 'client'
      : element.matches('input[name=ids]') ? 'checkbox' : element.tagName.toLowerCase(),
    card: card ? card.querySelector('.reference-link').textContent : null,
    opens: element.href ? new URL(element.href).pathname : null,
    // 1 px: Chromium scrolls an element to the screen's edge, to a fraction of a pixel.
    inSight: box.top >= -1 && box.bottom <= window.innerHeight + 1 && box.left >= 0 && box.right <= window.innerWidth,
  };
}"""


def test_on_a_phone_each_request_is_a_card_that_a_finger_or_the_keyboard_opens(phone, busy_school, screenshot):
    """The inbox's columns scrolled sideways: a card each, its dossier a tap or a Tab and Enter away."""
    log_in(phone, MANAGER, DEMO_PASSWORD)
    newest = Inquiry.objects.for_school(busy_school).filter(archived_at__isnull=True).order_by("-received_at").first()
    cards = phone.locator(".inbox-table tbody tr")
    expect(cards).to_have_count(50)
    screenshot(phone, "phone-fr-inbox-cards", full_page=False)

    # The first card: its reference and status on a line, the client below, everything within the screen.
    card = cards.first
    expect(card.locator(".col-reference")).to_have_text(newest.reference)
    expect(card.locator(".col-client")).to_contain_text(newest.client_name)
    with translation.override("fr"):
        expect(card.locator(".col-status")).to_have_text(newest.get_status_display())
    boxes = {
        name: card.locator(f".col-{name}").bounding_box()
        for name in ("reference", "status", "client", "received", "stay", "subject", "category", "assignee")
    }
    middle = {name: box["y"] + box["height"] / 2 for name, box in boxes.items()}
    assert abs(middle["reference"] - middle["status"]) < 6
    assert abs(middle["client"] - middle["received"]) < 6
    # The client's stay under the name, on one line with its label: "SÉJOUR 6 → 13 janv. · 2 pers."
    assert middle["client"] < middle["stay"] < middle["subject"] < middle["category"] < middle["assignee"]
    assert boxes["stay"]["height"] < 30
    expect(card.locator(".col-stay")).to_contain_text(" → ")
    expect(card.locator(".col-stay")).to_contain_text("2 pers.")
    assert {name: box for name, box in boxes.items() if box["x"] < 16 or box["x"] + box["width"] > 390 - 16} == {}
    assert card.bounding_box()["width"] >= 390 - 2 * 16 - 2
    assert box_overflow(phone) <= 1
    # The column headers are out of sight, not out of a screen reader's reach: it reads a table still.
    expect(phone.get_by_role("columnheader", name="Client")).to_have_count(1)
    expect(phone.get_by_text("Tout sélectionner")).to_be_visible()
    shown_cells = phone.locator(".inbox-table tbody td:not(.is-empty)").count()
    assert accessible_table(phone, ".inbox-table") == {"table": 1, "row": 51, "columnheader": 9, "cell": shown_cells}

    # The keyboard reaches every card, in the order they are shown, each stop in sight: its checkbox,
    # the reference's link and the client's, both opening its dossier.
    phone.get_by_label("Tout sélectionner").focus()
    stops = []
    for _press in range(3 * 50):
        phone.keyboard.press("Tab")
        stops.append(phone.evaluate(FOCUSED))
    references = cards.locator(".reference-link").all_text_contents()
    assert [stop["card"] for stop in stops if stop["kind"] == "reference"] == references
    assert [stop["kind"] for stop in stops] == ["checkbox", "reference", "client"] * 50
    assert [stop for stop in stops if not stop["inSight"]] == []
    assert {stop["opens"].split("/")[-2] for stop in stops if stop["opens"]} == set(references)
    phone.get_by_label("Tout sélectionner").focus()
    for _press in range(5):
        phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(references[1])
    phone.go_back()

    # A tap anywhere on a card opens it (here on its subject, which is no link, scrolled into sight)...
    cards.nth(2).locator(".col-subject").scroll_into_view_if_needed()
    subject = cards.nth(2).locator(".col-subject").bounding_box()
    phone.touchscreen.tap(subject["x"] + subject["width"] / 2, subject["y"] + subject["height"] / 2)
    expect(phone.get_by_role("heading", level=1)).to_contain_text(references[2])
    phone.go_back()

    # ...but on its left edge, below the checkbox, it selects it; "Tout sélectionner" selects them all.
    boxes = phone.locator("input[name=ids]")
    for index in (0, 1):
        edge = cards.nth(index).bounding_box()
        phone.touchscreen.tap(edge["x"] + 8, edge["y"] + edge["height"] - 10)
        expect(boxes.nth(index)).to_be_checked()
        # The card stands out as a whole, an accent line down its edge.
        expect(cards.nth(index)).to_have_css("box-shadow", re.compile(r"inset"))
    assert phone.url.endswith("/inquiries/")
    phone.get_by_text("Tout sélectionner").tap()
    expect(phone.locator("input[name=ids]:checked")).to_have_count(50)
    phone.get_by_text("Tout sélectionner").tap()
    expect(phone.locator("input[name=ids]:checked")).to_have_count(0)
    boxes.nth(0).tap()
    boxes.nth(1).tap()
    phone.get_by_role("button", name="Archiver la sélection").tap()
    expect(phone.get_by_text("2 demandes archivées.")).to_be_visible()
    assert set(
        Inquiry.objects.for_school(busy_school)
        .filter(archived_at__isnull=False, reference__in=references[:2])
        .values_list("reference", flat=True)
    ) == set(references[:2])

    # The next page is cards too.
    phone.get_by_role("link", name="50 suivantes").tap()
    expect(phone).to_have_url(re.compile(r"after="))
    expect(cards).to_have_count(50)
    assert cards.locator(".reference-link").first.text_content() not in references
    assert box_overflow(phone) <= 1


def out_of_sight(page, cells: dict) -> dict:
    """The cells (name: locator) that are not wholly within the screen's width, with their boxes."""
    width = page.viewport_size["width"]
    boxes = {name: cell.bounding_box() for name, cell in cells.items()}
    return {name: box for name, box in boxes.items() if box is None or box["x"] < 0 or box["x"] + box["width"] > width}


def cards_on_a_screen(page, table: str, language: str, screenshot, name: str) -> None:
    """At 390 px one card a row, at 768 px two: nothing scrolls sideways; at 1280 px the table as it was."""
    rows = page.locator(f"{table} tbody tr")
    page.set_viewport_size({"width": 768, "height": 1024})
    first, second = rows.nth(0).bounding_box(), rows.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 1
    assert second["x"] >= first["x"] + first["width"] - 1
    assert (page_width_overflow(page), box_overflow(page)) == (0, 0)
    screenshot(page, f"tablet-{language}-{name}-cards", full_page=False)
    a_table_on_a_computer(page, table)


def a_table_on_a_computer(page, table: str) -> None:
    """From 901 px the table (the first, where the page has several): its header row in sight, each row's
    cells side by side on one line."""
    page.set_viewport_size({"width": 1280, "height": 900})
    # The history of changes has a table per save: the demo's own three, and the test's.
    expect(page.locator(f"{table} thead tr").first).to_be_visible()
    cells = [cell.bounding_box() for cell in page.locator(f"{table} tbody tr").first.locator("th, td").all()]
    assert len({round(cell["y"]) for cell in cells}) == 1
    assert [cell["x"] for cell in cells] == sorted(cell["x"] for cell in cells)
    assert (page_width_overflow(page), box_overflow(page)) == (0, 0)
    page.set_viewport_size(PHONE["viewport"])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_each_email_and_price_is_a_card_its_subject_status_and_price_in_sight(
    phone, busy_school, language, screenshot
):
    """The e-mails' subjects and statuses, and the price lists' prices, were a sideways scroll away."""
    User.objects.filter(email=MANAGER).update(language=language)
    log_in(phone, MANAGER, DEMO_PASSWORD)

    phone.goto(f"/backoffice/{busy_school.slug}/emails/")
    card = phone.locator(".emails-table tbody tr").first
    email = OutgoingEmail.objects.get(pk=card.get_by_role("link").get_attribute("href").split("/")[-2])
    expect(card.locator(".col-subject")).to_have_attribute("title", email.subject)
    with translation.override(language):
        expect(card.locator(".col-status")).to_have_text(email.get_status_display())
    screenshot(phone, f"phone-{language}-emails-cards", full_page=False)
    assert (page_width_overflow(phone), box_overflow(phone)) == (0, 0)
    parts = {name: card.locator(f".col-{name}") for name in ("subject", "status", "to", "queued", "kind")}
    assert out_of_sight(phone, parts) == {}
    middle = {name: box["y"] + box["height"] / 2 for name, box in ((n, c.bounding_box()) for n, c in parts.items())}
    # The subject and status first, then to whom and when, then the kind.
    assert card.locator(".col-subject").bounding_box()["y"] < middle["to"] < middle["kind"]
    assert abs(middle["to"] - middle["queued"]) < 6
    assert card.locator(".col-status").bounding_box()["y"] < middle["to"]
    # A tap on the card, beside its link, opens the e-mail.
    kind = parts["kind"].bounding_box()
    phone.touchscreen.tap(kind["x"] + kind["width"] - 4, kind["y"] + kind["height"] / 2)
    expect(phone).to_have_url(re.compile(rf"/emails/{email.pk}/$"))
    phone.go_back()
    rows, cells = (phone.locator(f".emails-table tbody {part}").count() for part in ("tr", "td:visible"))
    assert accessible_table(phone, ".emails-table") == {"table": 1, "row": rows + 1, "columnheader": 5, "cell": cells}
    cards_on_a_screen(phone, ".emails-table", language, screenshot, "emails")

    phone.goto(f"/backoffice/{busy_school.slug}/catalogs/")
    card = phone.locator(".price-table tbody tr").first
    screenshot(phone, f"phone-{language}-catalogs-cards", full_page=False)
    assert (page_width_overflow(phone), box_overflow(phone)) == (0, 0)
    parts = {
        name: card.locator(f".col-{name}")
        for name in ("product", "price", "product-code", "unit", "kind", "active", "duration", "season")
    }
    assert out_of_sight(phone, parts) == {}
    # As every amount of the back office in her language: "195,00 €", "€195.00".
    price = r"^\d+,\d\d\xa0€$" if language == "fr" else r"^€\d+\.\d\d$"
    expect(parts["price"]).to_have_text(re.compile(price))
    product, price = parts["product"].bounding_box(), parts["price"].bounding_box()
    # The product and its price on the card's first line, its code below.
    assert abs(product["y"] - price["y"]) < 4
    assert parts["product-code"].bounding_box()["y"] >= product["y"] + product["height"] - 1
    rows, cells = (phone.locator(f".price-table tbody {part}").count() for part in ("tr", "td:visible"))
    assert accessible_table(phone, ".price-table") == {"table": 1, "row": rows + 1, "columnheader": 8, "cell": cells}
    cards_on_a_screen(phone, ".price-table", language, screenshot, "catalogs")

    # The team too: at 768 px its table scrolled 170 px, the last login and the Remove buttons out of sight.
    phone.goto(f"/backoffice/{busy_school.slug}/team/")
    cards_on_a_screen(phone, ".team-table", language, screenshot, "team")
    phone.set_viewport_size({"width": 768, "height": 1024})
    remove = {"fr": "Retirer", "en": "Remove"}[language]
    buttons = phone.locator(".team-table").get_by_role("button", name=remove, exact=True)
    assert out_of_sight(phone, {index: button for index, button in enumerate(buttons.all())}) == {}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_a_failed_sale_shows_its_amount_and_status_and_is_retried(
    phone,
    school,
    manager,
    simulator,  # noqa: F811
    *,
    language,
    screenshot,
):
    """The sales' amounts, their report's status and the Retry button were a sideways scroll away."""
    manager.language = language
    manager.save(update_fields=["language"])
    failed = paid_sale(school, manager)
    simulator.inject("validation")
    sales_push_due(time_budget=10)
    paid_sale(school, manager)
    log_in(phone, manager.email, PASSWORD)
    phone.goto(f"/backoffice/{school.slug}/sales/")

    # Failed reports first.
    card = phone.locator(".sales-table tbody tr").first
    expect(card.locator(".col-sale")).to_contain_text(failed.sale.quote.number)
    failure = {"fr": "Échec de la remontée vers 4807", "en": "Report to 4807 failed"}[language]
    expect(card.locator(".col-push .status")).to_have_text(failure)
    screenshot(phone, f"phone-{language}-sales-cards", full_page=False)
    assert (page_width_overflow(phone), box_overflow(phone)) == (0, 0)
    retry = card.get_by_role("button", name={"fr": "Réessayer", "en": "Retry"}[language])
    parts = {
        "sale": card.locator(".col-sale a"),
        "client": card.locator(".col-client"),
        "total": card.locator(".col-total"),
        "status": card.locator(".col-push .status"),
        "retry": retry,
    }
    assert out_of_sight(phone, parts) == {}
    sale, total = parts["sale"].bounding_box(), parts["total"].bounding_box()
    # The quote's number and the amount on the card's first line, the client below.
    assert abs(sale["y"] + sale["height"] / 2 - (total["y"] + total["height"] / 2)) < 6
    assert parts["client"].bounding_box()["y"] >= sale["y"] + sale["height"] - 1
    # A sale without a catalog has no "Catalog —" line: 4 cells in sight, and heard.
    cells = phone.locator(".sales-table tbody td:visible").count()
    assert accessible_table(phone, ".sales-table") == {"table": 1, "row": 3, "columnheader": 5, "cell": cells}
    cards_on_a_screen(phone, ".sales-table", language, screenshot, "sales")

    retry.tap()
    again = {"fr": "La vente repart vers 4807", "en": "The sale goes back to 4807"}[language]
    expect(phone.get_by_text(again)).to_be_visible()


def first_line_together(card, first: str, second: str) -> None:
    """Two cells of a card side by side at its top, what is scanned for first (the first of two lines, maybe)."""
    one, two = card.locator(f".col-{first}").bounding_box(), card.locator(f".col-{second}").bounding_box()
    assert abs(one["y"] - two["y"]) < 6
    assert one["x"] + one["width"] <= two["x"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_the_dashboards_waiting_requests_and_quotes_to_follow_up_are_cards(
    phone, busy_school, language, screenshot
):
    """Their status, waiting time, validity and total were a sideways scroll away; the figures stay tables."""
    User.objects.filter(email=MANAGER).update(language=language)
    log_in(phone, MANAGER, DEMO_PASSWORD)
    phone.goto(f"/backoffice/{busy_school.slug}/dashboard/")
    assert page_width_overflow(phone) <= 1

    lists = {
        ".waiting-table": ("reference", "waiting", "client", "status", "subject", "received", "assignee"),
        ".follow-ups-table": ("quote", "total", "client", "valid-until", "sent", "reminded"),
    }
    for table, columns in lists.items():
        box = phone.locator(f"{table}").locator("xpath=..")
        box.scroll_into_view_if_needed()
        screenshot(phone, f"phone-{language}-dashboard{table.replace('.', '-')}", full_page=False)
        assert box.evaluate("box => box.scrollWidth - box.clientWidth") == 0
        card = phone.locator(f"{table} tbody tr").first
        assert out_of_sight(phone, {name: card.locator(f".col-{name}") for name in columns}) == {}
        first_line_together(card, columns[0], columns[1])
        # The card's link opens the dossier, its quotes panel for a quote.
        expect(card.locator(".card-link")).to_have_attribute("href", re.compile(r"/inquiries/DEM-"))
        rows = phone.locator(f"{table} tbody tr").count()
        cells = phone.locator(f"{table} tbody :is(td, th)").count()
        heard = accessible_table(phone, table)
        # Its first cell heads the row: a screen reader says the reference (the quote) before each cell.
        assert (heard["table"], heard["row"], heard["columnheader"]) == (1, rows + 1, len(columns))
        assert heard["cell"] == cells - rows
    with translation.override(language):
        waiting = phone.locator(".waiting-table tbody tr").first
        expect(waiting.locator(".col-waiting")).to_have_text(re.compile(r"^\d+\u00a0(j|d) \d+\u00a0h$"))
        expect(phone.locator(".follow-ups-table tbody tr").first.locator(".col-total")).to_have_text(
            re.compile(r"\d\d")
        )
    blocking = [v for v in axe_violations(phone) if v["impact"] in BLOCKING]
    assert blocking == [], describe(blocking)

    # A table of figures no longer scrolls sideways in its box: each row's name, then its figures, all in sight.
    funnel = phone.locator("[data-chart=funnel] .table-scroll")
    funnel.scroll_into_view_if_needed()
    assert funnel.evaluate("box => box.scrollWidth - box.clientWidth") == 0
    row = funnel.locator("tbody tr:not(.group-row)").first
    parts = {"name": row.locator("th[scope=row]"), **dict(enumerate(row.locator("td").all()))}
    assert len(parts) == 7
    assert out_of_sight(phone, parts) == {}
    screenshot(phone, f"phone-{language}-dashboard-funnel", full_page=False)

    for table in lists:
        cards_on_a_screen(phone, table, language, screenshot, f"dashboard{table.replace('.', '-')}")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_the_quarantine_the_sessions_and_the_history_are_cards(phone, busy_school, language, screenshot):
    """A held request's buttons and a session's "End" were a sideways scroll away.

    And a setting's change was squeezed to a word a line.
    """
    quarantine_put(school=busy_school, data=intake_data(busy_school, first_name="Marie-Christine"), reason="too_fast")
    User.objects.filter(email=MANAGER).update(language=language)
    log_in(phone, MANAGER, DEMO_PASSWORD)

    phone.goto(f"/backoffice/{busy_school.slug}/quarantine/")
    card = phone.locator(".quarantine-table tbody tr").first
    screenshot(phone, f"phone-{language}-quarantine-cards", full_page=False)
    assert (page_width_overflow(phone), box_overflow(phone)) == (0, 0)
    let_in = {"fr": "Pas un robot : la laisser entrer", "en": "Not a robot: let it in"}[language]
    parts = {name: card.locator(f".col-{name}") for name in ("client", "received", "reason", "message")}
    parts["let-in"] = card.get_by_role("button", name=let_in)
    parts["delete"] = card.get_by_role("button", name={"fr": "Supprimer", "en": "Delete"}[language])
    assert out_of_sight(phone, parts) == {}
    first_line_together(card, "client", "received")
    cells = phone.locator(".quarantine-table tbody td:visible").count()
    held = QuarantinedRequest.objects.for_school(busy_school).count()  # the demo's two, and Marie-Christine's
    assert held == 3
    rows = held + 1  # and the header's
    assert accessible_table(phone, ".quarantine-table") == {"table": 1, "row": rows, "columnheader": 5, "cell": cells}
    cards_on_a_screen(phone, ".quarantine-table", language, screenshot, "quarantine")

    phone.goto("/backoffice/password/")
    card = phone.locator(".sessions-table tbody tr").first
    card.scroll_into_view_if_needed()
    screenshot(phone, f"phone-{language}-sessions-cards", full_page=False)
    assert (page_width_overflow(phone), box_overflow(phone)) == (0, 0)
    parts = {name: card.locator(f".col-{name}") for name in ("browser", "action", "ip", "started", "last-seen")}
    assert out_of_sight(phone, parts) == {}
    first_line_together(card, "browser", "action")
    a_table_on_a_computer(phone, ".sessions-table")

    # A subject's label made longer: a change of the settings, its values before and after.
    phone.goto(f"/backoffice/{busy_school.slug}/settings/")
    label = phone.locator("#contact tbody tr").first.locator("input[type=text]").first
    label.fill(label.input_value() + " et hors-piste du domaine skiable, journée complète")
    phone.locator("#save-settings").click()
    expect(phone.locator(".alert-success")).to_be_visible()
    phone.goto(f"/backoffice/{busy_school.slug}/settings/history/")
    change = phone.locator(".audit-changes tbody tr").first
    screenshot(phone, f"phone-{language}-history-cards", full_page=False)
    assert page_width_overflow(phone) == 0
    parts = {name: change.locator(f".col-{name}") for name in ("section", "change", "before", "after")}
    assert out_of_sight(phone, parts) == {}
    # The values before and after at the card's width, not four columns of a few letters.
    assert min(parts[name].bounding_box()["width"] for name in ("before", "after")) > 300
    a_table_on_a_computer(phone, ".audit-changes")


# The next two are about the page's frame, whatever its rows: a school of their own, not the demo's season.
def test_on_a_phone_a_page_title_stands_above_its_buttons(phone, school, manager):
    log_in(phone, manager.email, PASSWORD)
    phone.goto(f"/backoffice/{school.slug}/inquiries/")

    title = phone.get_by_role("heading", level=1).bounding_box()
    button = phone.get_by_role("link", name="Ouvrir le formulaire de contact").bounding_box()
    assert button["y"] >= title["y"] + title["height"]
    assert button["x"] + button["width"] <= 390


def test_on_a_phone_the_views_menu_opens_within_the_screen(phone, school, manager):
    receive_inquiry(school)
    log_in(phone, manager.email, PASSWORD)
    phone.goto(f"/backoffice/{school.slug}/inquiries/")

    phone.locator(".views-menu summary").click()
    panel = phone.locator(".views-panel").bounding_box()
    # Hung from its button's right edge, as on a wide screen, the menu began beyond the phone's left edge.
    assert panel["x"] >= 0
    assert panel["x"] + panel["width"] <= 390
    expect(phone.get_by_role("button", name="Enregistrer ces filtres par défaut")).to_be_visible()
    expect(phone.get_by_role("button", name="Enregistrer la vue")).to_be_visible()


def test_on_a_phone_each_settings_line_stacks_its_fields_under_their_labels(phone, school, manager, screenshot):
    log_in(phone, manager.email, PASSWORD)
    phone.goto(f"/backoffice/{school.slug}/settings/")

    line = phone.locator("#contact tbody tr").first
    fields = [line.get_by_label(label) for label in ("Libellé FR", "Libellé EN", "Adresse e-mail")]
    boxes = [field.bounding_box() for field in fields]
    # Each field a row of its own, as wide as a phone allows: before, three ~50-pixel boxes side by side.
    assert [box["width"] >= 200 for box in boxes] == [True, True, True]
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
    line.scroll_into_view_if_needed()
    screenshot(phone, "phone-fr-settings-lines", full_page=False)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_a_bank_transfer_is_recorded_without_leaving_the_screen(
    phone, school, manager, language, screenshot
):
    """QA: the transfer's date, reference and button side by side made the dossier 30 px too wide."""
    manager.language = language
    manager.save(update_fields=["language"])
    quote = sent_quote(school, manager)
    request = payment_request(school, manager, quote)
    log_in(phone, manager.email, PASSWORD)
    phone.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    expect(phone.locator("#quotes-panel")).not_to_have_attribute("aria-busy", "true")

    summary = {"fr": "Enregistrer le virement reçu", "en": "Record the bank transfer received"}[language]
    phone.get_by_text(summary).click()
    record = phone.locator(".transfer-form").get_by_role("button")
    record.scroll_into_view_if_needed()
    screenshot(phone, f"phone-{language}-transfer-form", full_page=False)
    assert page_width_overflow(phone) <= 1
    box = record.bounding_box()
    assert box["x"] + box["width"] <= 390

    phone.locator(".transfer-form input[name=bank_reference]").fill("VIR 2026-12-07")
    record.click()
    expect(phone.locator(f"#quote-{quote.pk} .alert-success")).to_be_visible()
    assert PaymentRequest.objects.get(pk=request.pk).status == PaymentRequest.Status.PAID


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_the_payment_requests_fields_stand_one_under_another_their_labels_on_one_line(
    phone, school, manager, language, screenshot
):
    """QA: side by side, the deposit's, the amount's and the link's fields were 90 px wide, each label on two lines."""
    manager.language = language
    manager.save(update_fields=["language"])
    quote = sent_quote(school, manager)
    log_in(phone, manager.email, PASSWORD)
    phone.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    expect(phone.locator("#quotes-panel")).not_to_have_attribute("aria-busy", "true")
    fields = phone.locator(".payment-fields .field")
    fields.first.scroll_into_view_if_needed()
    screenshot(phone, f"phone-{language}-payment-fields", full_page=False)

    boxes = [fields.nth(index).bounding_box() for index in range(fields.count())]
    assert len(boxes) == 3
    assert boxes[0]["y"] + boxes[0]["height"] <= boxes[1]["y"]
    assert boxes[1]["y"] + boxes[1]["height"] <= boxes[2]["y"]
    for label in phone.locator(".payment-fields label").all():
        height = label.bounding_box()["height"]
        line = phone.evaluate("(label) => parseFloat(getComputedStyle(label).lineHeight)", label.element_handle())
        assert height < 1.5 * line, label.inner_text()
    for field in phone.locator(".payment-fields input").all():
        assert field.bounding_box()["width"] >= 200


def long_lines(school) -> list[tuple]:
    """Four lines: two long product names, a tour operator's price, amounts past a thousand, 12 participants."""
    group = product_with_price(school)
    tour_operator = catalog(school, code="CE-ALPES", name="CE Alpes Industries")
    off_piste = product_with_price(
        school,
        code="STAGE-HORS-PISTE-3J",
        name_fr="Stage hors-piste et randonnée à skis — 3 journées avec guide",
        name_en="Off-piste and ski touring course — 3 days with a guide",
        price="1450.00",
        catalog=tour_operator,
    )
    private = off_peak_private_lesson(school)
    return [(group, None, 4, 1), (private, None, 1, 2), (off_piste, tour_operator, 2, 1), (group, None, 12, 3)]


def side_by_side(one: dict, two: dict) -> bool:
    """Two boxes on one line (their middles within a few pixels), the first on the left."""
    together = abs(one["y"] + one["height"] / 2 - (two["y"] + two["height"] / 2)) < 6
    return together and one["x"] + one["width"] <= two["x"]


def outside_the_box(box: dict, parts: dict) -> dict:
    """The parts (name: locator) that are not wholly within a box's width (cut off or a sideways scroll away)."""
    boxes = {name: part.bounding_box() for name, part in parts.items()}
    return {
        name: part
        for name, part in boxes.items()
        if part is None or part["x"] < box["x"] - 0.5 or part["x"] + part["width"] > box["x"] + box["width"] + 0.5
    }


QUOTE_WORDS = {
    "fr": {"edit": "Modifier", "remove": "Retirer", "totals": ("Total HT", "TVA 20 %", "Total TTC")},
    "en": {"edit": "Edit", "remove": "Remove", "totals": ("Total excluding VAT", "VAT 20%", "Total including VAT")},
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_each_quote_line_is_a_card_its_figures_totals_and_buttons_in_sight(
    phone, school, manager, language, screenshot
):
    """A quote's quantities, unit prices and totals were a sideways scroll away (250 to 320 px at 390 px).

    And the totals of a draft slid under its pinned Edit column, which hid part of the "Part." header. On a
    small laptop too, in the dossier's second column, the table scrolled (140 px at 901 px, 17 px at 1024 px).
    """
    manager.language = language
    manager.save(update_fields=["language"])
    words = QUOTE_WORDS[language]
    lines = long_lines(school)
    draft, sent = draft_quote(school, manager, lines=lines), sent_quote(school, manager, lines=lines)
    log_in(phone, manager.email, PASSWORD)

    for quote in (draft, sent):
        is_draft = quote.status == Quote.Status.DRAFT
        phone.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
        expect(phone.locator("#quotes-panel")).not_to_have_attribute("aria-busy", "true")
        table = f"#quote-{quote.pk} .quote-lines"
        cards = phone.locator(f"{table} tr.quote-line")
        expect(cards).to_have_count(4)
        phone.locator(f"#quote-{quote.pk}").scroll_into_view_if_needed()
        screenshot(phone, f"phone-{language}-quote-{quote.status}-cards", full_page=False)
        assert (page_width_overflow(phone), box_overflow(phone)) == (0, 0)

        for card, line in zip(cards.all(), quote.lines.all(), strict=True):
            parts = {
                name: card.locator(f".col-{name}")
                for name in ("product", "dates", "participants", "quantity", "unit-price", "total")
            }
            expect(parts["product"]).to_contain_text(line.name(language))
            expect(parts["participants"]).to_have_text(str(line.participants))
            expect(parts["quantity"]).to_have_text(str(line.quantity))
            expect(parts["unit-price"]).to_contain_text(format_money(line.unit_price, language))
            expect(parts["total"]).to_have_text(format_money(line.total, language))
            if is_draft:
                parts["edit"] = card.get_by_role("button", name=f"{words['edit']} {line.product_code}", exact=True)
                parts["remove"] = card.get_by_role("button", name=f"{words['remove']} {line.product_code}")
            assert out_of_sight(phone, parts) == {}
            # The product and its total first, side by side; its figures below, each after its label.
            product, total = parts["product"].bounding_box(), parts["total"].bounding_box()
            assert abs(product["y"] - total["y"]) < 4
            assert product["x"] + product["width"] <= total["x"]
            assert parts["participants"].bounding_box()["y"] >= product["y"] + product["height"] - 1

        # The totals after the lines, each label facing its amount, the Edit column gone from beside them.
        totals = phone.locator(f"{table} tfoot tr")
        expect(totals).to_have_count(3)
        heads = [head.strip() for head in totals.locator("th").all_inner_texts()]
        assert heads == list(words["totals"])
        amounts = quote.totals()
        expected = (amounts.excluding_vat, amounts.vat, amounts.including_vat)
        for row, amount in zip(totals.all(), expected, strict=True):
            label, value = row.locator("th"), row.locator("td:visible")
            expect(value).to_have_text(format_money(amount, language))
            assert out_of_sight(phone, {"label": label, "value": value}) == {}
            assert side_by_side(label.bounding_box(), value.bounding_box())
        last = cards.last.bounding_box()
        assert totals.first.bounding_box()["y"] >= last["y"] + last["height"] - 1

        # A table still, for a screen reader: its header row, four lines and three totals.
        columns = 7 if is_draft else 6
        cells = phone.locator(f"{table} :is(tbody, tfoot) td:visible").count()
        heard = accessible_table(phone, table)
        assert heard == {"table": 1, "row": 1 + 4 + 3, "columnheader": columns, "cell": cells}
        blocking = [v for v in axe_violations(phone) if v["impact"] in BLOCKING]
        assert blocking == [], describe(blocking)

        # On a tablet (691 px of box: a table from 580), the lines one under the other at the box's width.
        phone.set_viewport_size({"width": 768, "height": 1024})
        boxes = [card.bounding_box() for card in cards.all()]
        assert len({round(box["x"]) for box in boxes}) == 1
        assert [box["y"] for box in boxes] == sorted(box["y"] for box in boxes)
        assert boxes[0]["width"] >= phone.locator(table).bounding_box()["width"] - 1
        assert (page_width_overflow(phone), box_overflow(phone)) == (0, 0)
        phone.locator(f"#quote-{quote.pk}").scroll_into_view_if_needed()
        screenshot(phone, f"tablet-{language}-quote-{quote.status}-cards", full_page=False)

        # A small laptop's dossier in two columns gives the lines 443 to 580 px: cards there too. The table
        # scrolled 140 px sideways at 901 px, the totals and the Edit buttons out of sight, each product's
        # name a word a line.
        for width in (901, 960, 1024):
            phone.set_viewport_size({"width": width, "height": 900})
            assert (page_width_overflow(phone), box_overflow(phone)) == (0, 0), width
            box = phone.locator(f"#quote-{quote.pk} .quote-lines-box").bounding_box()
            for card, line in zip(cards.all(), quote.lines.all(), strict=True):
                product, total = card.locator(".col-product"), card.locator(".col-total")
                expect(product).to_contain_text(line.name(language))
                expect(total).to_have_text(format_money(line.total, language))
                parts = {"product": product, "total": total}
                if is_draft:
                    parts["edit"] = card.get_by_role("button", name=f"{words['edit']} {line.product_code}", exact=True)
                assert outside_the_box(box, parts) == {}, width
                # The name across the card, its total beside it: not squeezed to a word a line.
                name, amount = product.bounding_box(), total.bounding_box()
                assert abs(name["y"] - amount["y"]) < 4, width
                assert name["x"] + name["width"] <= amount["x"], width
                assert name["width"] >= box["width"] / 2, width
            amounts = phone.locator(f"{table} tfoot td:visible")
            assert outside_the_box(box, dict(enumerate(amounts.all()))) == {}, width
            phone.locator(f"#quote-{quote.pk}").scroll_into_view_if_needed()
            screenshot(phone, f"laptop-{width}-{language}-quote-{quote.status}-cards", full_page=False)

        # From 580 px of box (1 100 px: 642; 1 280 px: 770) the table as it was.
        a_table_on_a_computer(phone, table)


def test_on_a_phone_a_quote_lines_edit_opens_its_form_below_its_card(phone, school, manager, screenshot):
    """The form opens under the line it changes, at the card's width; the line, once changed, says its new figures."""
    quote = draft_quote(school, manager, lines=long_lines(school))
    line = quote.lines.get(product_code="CP-HEURE-CREUSE")
    log_in(phone, manager.email, PASSWORD)
    phone.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    card = phone.locator(f"#line-{line.pk}")
    edit = card.get_by_role("button", name="Modifier CP-HEURE-CREUSE")
    edit.tap()
    form = phone.locator(f"#line-edit-{line.pk}")
    expect(form.get_by_label("Début")).to_be_focused()
    form_box, card_box = form.bounding_box(), card.bounding_box()
    assert form_box["y"] >= card_box["y"] + card_box["height"] - 1
    assert out_of_sight(phone, {"form": form, "save": form.get_by_role("button", name="Enregistrer")}) == {}
    assert (page_width_overflow(phone), box_overflow(phone)) == (0, 0)
    screenshot(phone, "phone-fr-quote-line-form", full_page=False)

    form.get_by_label("Quantité").fill("3")
    form.get_by_role("button", name="Enregistrer").tap()
    expect(edit).to_be_focused()
    expect(card.locator(".col-quantity")).to_have_text("3")
    expect(card.locator(".col-total")).to_have_text("174,00\u00a0€")  # 58 € an hour × 3
    assert out_of_sight(phone, {"total": card.locator(".col-total"), "edit": edit}) == {}


def test_on_a_phone_a_refused_invitation_brings_its_error_into_view(phone, school, manager, secretary, screenshot):
    """QA: the page came back at its top, the invitation form and its error a screen below, out of sight."""
    log_in(phone, manager.email, PASSWORD)
    phone.goto(f"/backoffice/{school.slug}/team/")
    form = phone.locator("form.team-invite")
    form.get_by_label("Adresse e-mail").fill(secretary.email)
    form.get_by_label("Prénom").fill("Julie")
    form.get_by_label("Nom", exact=True).fill("Perrin")
    form.get_by_role("button", name="Inviter").click()

    email = phone.locator("form.team-invite").get_by_label("Adresse e-mail")
    expect(email).to_be_focused()
    expect(email).to_be_in_viewport()
    expect(phone.locator("#email-error")).to_have_text(f"{secretary.email} fait déjà partie de l’équipe.")
    expect(phone.locator("#email-error")).to_be_in_viewport()
    screenshot(phone, "phone-fr-team-invitation-refused", full_page=False)


# The footer's rule in an e-mail's text (a line of dashes): how many lines it takes, and how far past its
# box's right edge it reaches (0: within the box).
FOOTER_RULE = r"""(box) => {
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const at = node.data.indexOf('—'.repeat(24));
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + 24);
    const rects = [...range.getClientRects()].filter(rect => rect.width > 0);
    const visible = rects.map(rect => {
      // What the box lets be seen of it: a rule clipped at the box's edge is seen up to the edge.
      let element = node.parentElement, right = rect.right;
      while (element && element !== box.parentElement) {
        if (getComputedStyle(element).overflowX !== 'visible') {
          right = Math.min(right, element.getBoundingClientRect().right);
        }
        element = element.parentElement;
      }
      return right;
    });
    const inner = box.getBoundingClientRect().right - parseFloat(getComputedStyle(box).borderRightWidth);
    return {
      lines: new Set(rects.map(rect => Math.round(rect.top))).size,
      past: Math.max(0, ...visible.map(right => right - inner)),
    };
  }
  return null;
}"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_the_quote_e_mail_preview_draws_its_footer_rule_on_one_line(
    phone, school, manager, language, screenshot
):
    """QA: the 24 dashes above the legal footer broke onto a second line at 390 px, as two rules."""
    manager.language = language
    manager.save(update_fields=["language"])
    quote = draft_quote(school, manager)
    log_in(phone, manager.email, PASSWORD)
    phone.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    expect(phone.locator("#quotes-panel")).not_to_have_attribute("aria-busy", "true")
    name = "Voir l’e-mail avant l’envoi" if language == "fr" else "Preview the e-mail"
    phone.locator(".quote-send").get_by_role("button", name=name).tap()
    text = phone.locator(".send-preview .preview-text")
    expect(text).to_be_visible()
    # Its end in sight: the rule and the footer.
    text.evaluate("box => box.scrollIntoView({block: 'end'})")
    screenshot(phone, f"phone-{language}-quote-send-preview", full_page=False)
    assert text.evaluate(FOOTER_RULE) == {"lines": 1, "past": 0}
    assert page_width_overflow(phone) <= 1


# Each button's place, size and lines of text (its text's height against its line-height).
BUTTONS_LAYOUT = """(buttons) => buttons.map(button => {
  const box = button.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(button);
  const lines = Math.round(range.getBoundingClientRect().height / parseFloat(getComputedStyle(button).lineHeight));
  return {text: button.innerText.trim(), x: Math.round(box.x), y: Math.round(box.y),
          width: Math.round(box.width), height: Math.round(box.height), lines};
})"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_a_sent_quotes_actions_stand_one_under_another_each_a_finger_wide(
    phone, school, manager, language, screenshot
):
    """QA: "Remind the client", "Change this quote (its links stop working)" and "Cancel this quote" side by
    side at 390 px, each squeezed onto two or three short lines of small type, each 19 px a line to tap."""
    manager.language = language
    manager.save(update_fields=["language"])
    quote = sent_quote(school, manager)
    log_in(phone, manager.email, PASSWORD)
    phone.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    expect(phone.locator("#quotes-panel")).not_to_have_attribute("aria-busy", "true")
    actions = phone.locator(f"#quote-{quote.pk} .quote-status-actions")
    actions.scroll_into_view_if_needed()
    screenshot(phone, f"phone-{language}-quote-actions", full_page=False)

    buttons = actions.locator("button").evaluate_all(BUTTONS_LAYOUT)
    assert len(buttons) == 3
    # One under another, at the card's left edge, each on one line, each at least 24 px tall (WCAG 2.5.8).
    assert len({button["x"] for button in buttons}) == 1, buttons
    assert [button["y"] for button in buttons] == sorted({button["y"] for button in buttons}), buttons
    assert [button for button in buttons if button["lines"] > 1 or button["height"] < 24] == []
    assert page_width_overflow(phone) <= 1


def test_on_a_phone_a_link_alone_on_its_line_is_a_finger_tall(phone, school, manager, screenshot):
    """QA: "Forgot your password?" (15 px tall) and the way back above a page's title ("REQUESTS", 14 px)
    are links alone on their line, under 24 px to tap (WCAG 2.5.8); the page around them unchanged."""
    quote = sent_quote(school, manager)
    phone.goto("/backoffice/login/")
    forgotten = phone.get_by_role("link", name="Mot de passe oublié ?")
    button = phone.get_by_role("button", name="Se connecter").bounding_box()
    heights = {"forgotten": forgotten.bounding_box()["height"]}
    # Where it stands: no further below the button than it stood (its text 0.75rem under the button).
    text_top = forgotten.evaluate(
        "link => { const r = document.createRange(); r.selectNodeContents(link); "
        "return r.getBoundingClientRect().top; }"
    )
    assert text_top - (button["y"] + button["height"]) <= 14
    log_in(phone, manager.email, PASSWORD)
    for name, path in {
        "dossier": f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/",
        "history": f"/backoffice/{school.slug}/settings/history/",
    }.items():
        phone.goto(path)
        heights[name] = phone.locator(".eyebrow a").bounding_box()["height"]
    screenshot(phone, "phone-fr-history-way-back", full_page=False)
    assert {name: height for name, height in heights.items() if height < 24} == {}


# Each catalog chip: on how many lines its code is drawn, its remove button's size, its box's edges.
CHIPS_LAYOUT = """() => [...document.querySelectorAll('.chips .chip')].map(chip => {
  const code = chip.querySelector('.chip-code');
  const range = document.createRange();
  range.selectNodeContents(code);
  const remove = chip.querySelector('.chip-remove').getBoundingClientRect();
  const box = chip.getBoundingClientRect();
  return {code: code.innerText, codeLines: new Set([...range.getClientRects()].map(r => Math.round(r.top))).size,
          remove: [Math.round(remove.width), Math.round(remove.height)], left: box.left, right: box.right};
})"""


def test_on_a_phone_a_4807_catalogs_chip_keeps_its_code_whole_and_a_finger_wide_remove_button(
    phone, school, manager, screenshot
):
    """QA: at 390 px "CE-" above "ALPES", "TO-NEIGE-" above "2026", each chip squeezed into four narrow
    columns, and its × 22 px wide."""
    catalog(school)
    catalog(school, code="CE-ALPES", name="Comité d’entreprise Alpes Industrie")
    log_in(phone, manager.email, PASSWORD)
    phone.goto(f"/backoffice/{school.slug}/settings/")
    chips = phone.locator(".chips .chip")
    expect(chips).to_have_count(2)
    chips.last.scroll_into_view_if_needed()
    screenshot(phone, "phone-fr-settings-catalog-chips", full_page=False)
    layout = phone.evaluate(CHIPS_LAYOUT)
    assert {chip["code"] for chip in layout} == {"TO-NEIGE-2026", "CE-ALPES"}
    assert [chip for chip in layout if chip["codeLines"] > 1] == []
    assert [chip for chip in layout if min(chip["remove"]) < 24] == []
    assert [chip for chip in layout if chip["left"] < 0 or chip["right"] > 390] == []
    assert page_width_overflow(phone) <= 1


# Each sale's card: how far its quote's number and date reach into its total (> 0: drawn over it), and on
# how many lines its ledger reference (LED-2026-00044) is drawn.
SALE_CARDS = """() => [...document.querySelectorAll('.sales-table tbody tr')].map(card => {
  const range = document.createRange();
  range.selectNodeContents(card.querySelector('.col-sale'));
  const sale = Math.max(...[...range.getClientRects()].map(rect => rect.right));
  const total = card.querySelector('.col-total');
  const totalRange = document.createRange();
  totalRange.selectNodeContents(total);
  const reference = card.querySelector('.push-reference');
  const lines = reference ? new Set([...reference.getClientRects()].map(rect => Math.round(rect.top))).size : 0;
  return {total: total.innerText, into: Math.round(sale - totalRange.getBoundingClientRect().left), lines};
})"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_a_sales_date_never_runs_into_its_total(phone, language, screenshot):
    """QA: at 390 px "6 déc. 2026, 06:30" ran into "3 528,00 €" (the sale's date and its total drawn one over
    the other), and the ledger's reference broke after "LED-"."""
    school = demo_school_ensure().school
    User.objects.filter(email=MANAGER).update(language=language)
    log_in(phone, MANAGER, DEMO_PASSWORD)
    phone.goto(f"/backoffice/{school.slug}/sales/")
    cards = phone.evaluate(SALE_CARDS)
    assert len(cards) > 20
    # The demo's sales past a thousand euros are the widest totals.
    assert [card for card in cards if "\u202f" in card["total"] or "," in card["total"][:-4]] != []
    phone.locator(".sales-table").evaluate("table => table.scrollIntoView()")
    screenshot(phone, f"phone-{language}-sales-dates", full_page=False)
    assert [card for card in cards if card["into"] > -4] == []
    assert [card for card in cards if card["lines"] != 1] == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_an_e_mails_html_version_title_and_its_button_each_hold_on_one_line(
    phone, school, manager, language, screenshot
):
    """QA: at 390 px "Version / HTML" on two lines beside "Ouvrir dans un nouvel / onglet", a button
    of two lines."""
    manager.language = language
    manager.save(update_fields=["language"])
    sent_quote(school, manager)
    emails = OutgoingEmail.objects.filter(school=school).exclude(html_body="")
    email = emails.filter(text_body__contains="\u2014" * 24).order_by("pk").first()
    log_in(phone, manager.email, PASSWORD)
    phone.goto(f"/backoffice/{school.slug}/emails/{email.pk}/")
    header = phone.locator(".email-frame-header")
    header.scroll_into_view_if_needed()
    screenshot(phone, f"phone-{language}-email-html-header", full_page=False)
    parts = header.locator("h2, a").evaluate_all(BUTTONS_LAYOUT)
    assert len(parts) == 2
    assert [part for part in parts if part["lines"] > 1] == []
    assert [part for part in parts if part["x"] + part["width"] > 390] == []
    # The text's rule, too, on one line (the same 24 dashes as the quote's preview).
    assert phone.locator(".preview-text").evaluate(FOOTER_RULE) == {"lines": 1, "past": 0}
    assert page_width_overflow(phone) <= 1


# On how many lines each occurrence of a text is drawn in the page's element (a selector).
LINES_OF_EACH = r"""([selector, text]) => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector(selector), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (let at = node.data.indexOf(text); at >= 0; at = node.data.indexOf(text, at + 1)) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + text.length);
      found.push(new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size);
    }
  }
  return found;
}"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_the_dossiers_history_keeps_each_address_whole(phone, school, manager, language, screenshot):
    """QA: "Acknowledgement of receipt to anne-" at a line's end, "sophie.martin@exemple.fr" on the next:
    the address the client gave, as she reads it in the dossier's history, broken at its hyphen."""
    manager.language = language
    manager.save(update_fields=["language"])
    address = "anne-sophie.martin@exemple.fr"
    inquiry = receive_inquiry(school, first_name="Anne-Sophie", last_name="Martin", email=address)
    log_in(phone, manager.email, PASSWORD)
    phone.goto(f"/backoffice/{school.slug}/inquiries/{inquiry.reference}/")
    timeline = phone.locator(".timeline")
    timeline.scroll_into_view_if_needed()
    screenshot(phone, f"phone-{language}-dossier-history-address", full_page=False)
    lines = phone.evaluate(LINES_OF_EACH, [".timeline", address])
    assert lines  # the acknowledgement's line
    assert lines == [1] * len(lines)
    assert page_width_overflow(phone) <= 1
