"""The client opens the quote and the payment link from the e-mail, on a phone, without scrolling sideways."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import signing
from playwright.sync_api import expect

from msem.payments.links import payment_link_token
from msem.payments.models import Payment
from msem.payments.sending import payment_email_compose, payment_url
from msem.payments.services import payment_record
from msem.public_site.views import THANKS_SALT
from msem.quotes.sending import quote_email_compose, quote_url
from msem.quotes.services import quote_line_update, quote_send
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import (
    draft_quote,
    lesson_day,
    off_peak_private_lesson,
    payment_request,
    product_with_price,
    sent_quote,
)

PHONE = {"width": 375, "height": 740}

pytestmark = pytest.mark.django_db(transaction=True)


def page_width_overflow(page) -> int:
    """How many pixels the page is wider than the screen (0: nothing to scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def a_quote_with_two_lines(school, manager):
    private = off_peak_private_lesson(school)
    return sent_quote(school, manager, lines=[(product_with_price(school), None, 4, 1), (private, None, 1, 2)])


def heard_table(page) -> dict:
    """The quote's table as Chromium's accessibility tree (a screen reader's) holds it: its column headers, and
    what each row's cells say (read through the DevTools protocol). The headers in capitals, as drawn."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        table = cdp.send("DOM.querySelector", {"nodeId": root, "selector": ".public-table"})["nodeId"]

        def heard(role: str) -> list[dict]:
            nodes = cdp.send("Accessibility.queryAXTree", {"nodeId": table, "role": role})["nodes"]
            return [node for node in nodes if not node.get("ignored")]

        cells = {node["nodeId"]: node["name"]["value"] for role in ("cell", "rowheader") for node in heard(role)}
        rows = [[cells[child] for child in row.get("childIds", []) if child in cells] for row in heard("row")]
        headers = [node["name"]["value"] for node in heard("columnheader")]
        return {"headers": headers, "rows": [row for row in rows if row]}
    finally:
        cdp.detach()


HEADERS = {
    "fr": ["Prestation", "Dates", "Participants", "Qté", "Total"],
    "en": ["Product", "Dates", "Participants", "Qty", "Total"],
}


# Each line's facts under its name, and the button, in each language.
ON_A_PHONE = {
    "fr": (["{day:%d/%m/%Y} · 4 participants", "{day:%d/%m/%Y} · 1 participant · quantité 2"], "Accepter le devis"),
    "en": (
        ["{day.day} {day:%b %Y} · 4 participants", "{day.day} {day:%b %Y} · 1 participant · quantity 2"],
        "Accept the quote",
    ),
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_quote_fits_a_phone_and_each_line_keeps_its_dates_and_participants(
    page, school, manager, language, screenshot
):
    facts, accept = ON_A_PHONE[language]
    quote = a_quote_with_two_lines(school, manager)
    page.set_viewport_size(PHONE)

    page.goto(f"/{language}/{school.slug}/quote/{quote.link_token}/")

    assert page_width_overflow(page) == 0
    lines = page.locator(".public-table tbody tr")
    expect(lines).to_have_count(2)
    for line, fact in zip(lines.all(), facts, strict=True):
        expect(line.locator(".public-line-facts")).to_have_text(fact.format(day=lesson_day()))
    expect(page.get_by_role("button", name=accept)).to_be_visible()

    # A table still for a screen reader, as on a computer: the five column headers (none, when the header row
    # was hidden from it too), each line's dates, participants, quantity and total in their columns, its facts
    # under its name not heard twice. Nothing moves in sight: the header row and the three cells are clipped.
    heard = heard_table(page)
    assert [header.casefold() for header in heard["headers"]] == [h.casefold() for h in HEADERS[language]]
    day = lines.first.locator(".public-dates").text_content()
    assert [row[1:] for row in heard["rows"][:2]] == [
        [day, "4", "1", lines.nth(0).locator("td").last.inner_text()],
        [day, "1", "2", lines.nth(1).locator("td").last.inner_text()],
    ]
    assert day not in heard["rows"][0][0]
    assert [len(row) for row in heard["rows"][2:]] == [2, 2, 2]  # each total: its label and its amount
    screenshot(page, f"quote-{language}-phone")


@pytest.fixture
def school_taking_payments(school, settings):
    """Every means of payment on the page: the sandbox's two buttons, and the bank's details."""
    settings.MSEM_PAYMENT_SANDBOX = True
    school.iban = "FR7630006000011234567890189"
    school.bank_account_holder = "ESF Val Neige SARL"
    school.save()
    return school


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_payment_page_fits_a_phone(page, school_taking_payments, manager, language, screenshot):
    school = school_taking_payments
    request = payment_request(school, manager, sent_quote(school, manager))
    page.set_viewport_size(PHONE)

    page.goto(f"/{language}/pay/{payment_link_token(request)}/")

    screenshot(page, f"pay-{language}-phone")
    assert page_width_overflow(page) == 0
    expect(page.get_by_text("FR76 3000 6000 0112 3456 7890 189")).to_be_visible()


def test_on_a_computer_the_quote_keeps_its_columns(page, school, manager):
    quote = a_quote_with_two_lines(school, manager)

    page.goto(f"/en/{school.slug}/quote/{quote.link_token}/")

    for header in ("Product", "Dates", "Participants", "Qty", "Total"):
        expect(page.get_by_role("columnheader", name=header)).to_be_visible()
    expect(page.locator(".public-line-facts").first).to_be_hidden()


# Where a word with a hyphen lies: on how many lines its letters are drawn.
LINES_OF_THE_WORD = """
(pattern) => {
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(new RegExp(pattern, "g"))) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      found.push(new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size);
    }
  }
  return found;
}
"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_the_thank_you_page_e_mail_stays_one_word(page, school, language, screenshot):
    receipt = signing.dumps("DEM-2026-00042", salt=THANKS_SALT, compress=True)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"/{language}/{school.slug}/contact/thanks/{receipt}/")

    screenshot(page, f"thanks-{language}-phone")
    lines = page.evaluate(LINES_OF_THE_WORD, "e[-\u2010\u2011]mail")
    assert lines  # the page speaks of the acknowledgement by e-mail
    assert lines == [1] * len(lines)


@pytest.mark.parametrize(
    ("language", "heading"), [("fr", "Cette page est introuvable"), ("en", "This page cannot be found")]
)
def test_a_mistyped_quote_link_gets_the_clients_page_not_found(page, school, language, heading, screenshot):
    page.set_viewport_size(PHONE)

    page.goto(f"/{language}/{school.slug}/quote/not-a-quote/")

    screenshot(page, f"not-found-{language}-phone")
    assert page_width_overflow(page) == 0
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("link", name=school.main_email)).to_have_attribute("href", f"mailto:{school.main_email}")


@pytest.fixture
def school_at_a_long_address(school, settings):
    settings.MSEM_BASE_URL = "https://reservations.esf-val-neige.example.com"
    return school


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_quote_and_payment_emails_fit_a_phone_with_a_labelled_link(
    page, school_at_a_long_address, manager, language, screenshot
):
    """The address of a link is 100 characters and more: the HTML part shows a button, the text part the address."""
    school = school_at_a_long_address
    quote = sent_quote(school, manager, inquiry=receive_inquiry(school, language=language))
    request = payment_request(school, manager, quote, kind="deposit", percentage=Decimal("30"))
    mails = {
        "quote": (quote_email_compose(quote=quote, with_pdf=True), quote_url(quote), LABELS[language][0]),
        "payment": (payment_email_compose(payment_request=request), payment_url(request), LABELS[language][1]),
    }
    page.set_viewport_size({"width": 390, "height": 800})

    for name, (mail, url, label) in mails.items():
        assert len(url) > 100
        assert url in mail.text
        page.set_content(mail.html)

        screenshot(page, f"{name}-email-{language}-phone")
        assert page_width_overflow(page) == 0
        link = page.get_by_role("link", name=label)
        expect(link).to_have_attribute("href", url)
        expect(page.get_by_text(url)).to_have_count(0)


LABELS = {"fr": ("Voir votre devis", "Payer 113,40\u00a0€"), "en": ("View your quote", "Pay €113.40")}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_after_paying_the_references_stay_whole_on_a_phone(page, school, manager, language, screenshot):
    """QA: "(reference DEV-" at a line's end, "2026-00087-P1)." on the next, the reference the client
    quotes to the school; the quote's number in "Left to pay on quote …" likewise."""
    quote = sent_quote(school, manager)
    request = payment_request(school, manager, quote, kind="deposit", percentage=Decimal("30"))
    payment_record(
        school=school.pk,
        payment_request_id=request.pk,
        provider=Payment.Provider.SANDBOX,
        provider_reference="sandbox-1",
        amount=request.amount,
    )
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"/{language}/pay/{payment_link_token(request)}/")

    screenshot(page, f"paid-{language}-phone")
    lines = page.evaluate(LINES_OF_THE_WORD, r"DEV-\d{4}-\d{5}(-P\d+)?")
    assert len(lines) == 2  # the payment's reference, the quote's number
    assert lines == [1, 1]


# Where the client reads a date or a number of something: on how many lines each is drawn (the visible ones).
LINES_OF_EACH_VISIBLE = """
(pattern) => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.checkVisibility()) continue;
    for (const match of node.data.matchAll(new RegExp(pattern, "g"))) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      found.push([match[0], new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size]);
    }
  }
  return found;
}
"""

# A date (19/12/2026, 19 Dec 2026), a number of participants, a quantity: the space inside may be a no-break one.
FACTS = r"\d{2}/\d{2}/\d{4}|\d{1,2}\s[A-Z][a-z]{2}\s\d{4}|\d+\sparticipants?|quantit(y|é)\s\d+"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_a_number_keeps_its_word_and_a_date_stays_whole(page, school, manager, language, screenshot):
    """QA: "4 / participants" and "7 Dec / 2026" wrapped apart on the quote's page at 390 px. Whatever the
    phone's width, each moves down whole to the next line, and nothing is wider than the screen."""
    start = lesson_day()
    quote = draft_quote(school, manager, lines=[(product_with_price(school), None, 12, 2)])
    quote_line_update(
        school=school,
        actor=manager,
        line_id=quote.lines.get().pk,
        start_date=start,
        end_date=start + timedelta(days=5),
        participants=12,
        quantity=2,
    )
    quote_send(school=school, actor=manager, quote_id=quote.pk, subject="Votre devis {quote_number}", body="Voici.")
    quote.refresh_from_db()
    page.goto(f"/{language}/{school.slug}/quote/{quote.link_token}/")

    split = {}
    for width in range(320, 431, 5):
        page.set_viewport_size({"width": width, "height": 800})
        assert page_width_overflow(page) == 0, width
        facts = page.evaluate(LINES_OF_EACH_VISIBLE, FACTS)
        assert len(facts) >= 6  # the lead's two dates; the line's two dates, its participants and its quantity
        if broken := [fact for fact, lines in facts if lines > 1]:
            split[width] = broken
    assert split == {}
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"quote-facts-{language}-phone")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_the_quotes_facts_never_start_a_line_with_their_separator(page, school, manager, language):
    quote = a_quote_with_two_lines(school, manager)
    page.goto(f"/{language}/{school.slug}/quote/{quote.link_token}/")

    for width in range(300, 481, 4):
        page.set_viewport_size({"width": width, "height": 844})
        # A word and the "·" after it: on one line, whatever the width ("… 7 déc. 2026 ·" then "valable …").
        lines = page.evaluate(LINES_OF_THE_WORD.replace('"main"', '".public-lead"'), "\\S\\s*·")
        assert len(lines) == 2, width
        assert lines == [1, 1], width


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_the_schools_address_stays_whole_at_the_foot_of_each_page(
    page, school, manager, language, screenshot
):
    """QA: "info@esf-" at the end of a line and "valneige.demo.test" on the next, under "Questions? Contact
    ESF Val Neige:" on the paid quote's page, an address the client would copy in two pieces."""
    school.name, school.main_email = "ESF Val Neige", "info@esf-valneige.demo.test"
    school.save(update_fields=["name", "main_email"])
    quote = sent_quote(school, manager)
    request = payment_request(school, manager, quote)
    payment_record(
        school=school.pk,
        payment_request_id=request.pk,
        provider=Payment.Provider.SANDBOX,
        provider_reference="sandbox-1",
        amount=request.amount,
    )
    receipt = signing.dumps("DEM-2026-00042", salt=THANKS_SALT, compress=True)
    pages = {
        "paid": f"/{language}/pay/{payment_link_token(request)}/",
        "quote": f"/{language}/{school.slug}/quote/{quote.link_token}/",
        "contact": f"/{language}/{school.slug}/contact/",
        "thanks": f"/{language}/{school.slug}/contact/thanks/{receipt}/",
    }
    broken = {}
    for width in (320, 375, 390):
        page.set_viewport_size({"width": width, "height": 844})
        for name, path in pages.items():
            page.goto(path)
            footer = page.locator(".public-footer-email")
            if footer.count() == 0:
                continue
            expect(footer).to_have_text(school.main_email)
            lines = footer.evaluate(
                "link => new Set([...link.getClientRects()].map(rect => Math.round(rect.top))).size"
            )
            if lines > 1:
                broken[(width, name)] = lines
            assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1, (
                width,
                name,
            )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(pages["paid"])
    screenshot(page, f"paid-{language}-phone-school-address")
    assert broken == {}


@pytest.mark.parametrize(("language", "other"), [("fr", "English"), ("en", "Français")])
def test_on_a_phone_the_other_language_is_a_finger_tall(page, school, language, other):
    """QA: the link to the form in the other language was 22 px tall, under a finger's 24 (WCAG 2.5.8)."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/{language}/{school.slug}/contact/")
    link = page.get_by_role("link", name=other)
    assert link.bounding_box()["height"] >= 24
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_the_stays_title_never_breaks_its_boxs_border(page, school, language, screenshot):
    """QA: at 390 px "Votre séjour (si vous le connaissez)" took two lines across the box's top border, the
    border gone but at its two corners and the second line inside the box."""
    broken = {}
    for width in (320, 375, 390, 430):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(f"/{language}/{school.slug}/contact/")
        legend = page.locator(".public-fieldset legend")
        lines = legend.evaluate(
            "legend => { const range = document.createRange(); range.selectNodeContents(legend); "
            "return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size; }"
        )
        # On the border, a title of one line; of two, inside the box, under its whole border.
        # (A title on the border starts the box: the border is drawn across its middle.)
        on_the_border = legend.bounding_box()["y"] <= page.locator(".public-fieldset").bounding_box()["y"] + 1
        if lines > 1 and on_the_border:
            broken[width] = lines
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/{language}/{school.slug}/contact/")
    page.locator(".public-fieldset").scroll_into_view_if_needed()
    screenshot(page, f"contact-{language}-phone-stay", full_page=False)
    assert broken == {}
