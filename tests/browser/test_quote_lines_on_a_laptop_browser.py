"""A quote's lines on a laptop: a table of lines, not cards, wherever its seven columns fit.

QA: from 1 101 to 1 279 px wide (and 1 038 to 1 100), the dossier's two columns beside the menu's icons
give the lines 580 to 720 px: they were cards there, one under the other, the product, dates, figures and
totals of two lines never side by side to compare. On a phone they stay cards.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from msem.quotes.formatting import format_money
from tests.browser.conftest import log_in
from tests.browser.test_backoffice_on_a_phone_browser import long_lines
from tests.factories import PASSWORD
from tests.quotes.helpers import draft_quote, sent_quote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOPS = (1100, 1180, 1229, 1280, 1366, 1440, 1920)

# Each line's cells: their top and their left and right edges; the box around the table and the table.
LAYOUT = """table => {
  const box = table.closest('.quote-lines-box');
  const edges = element => {
    const r = element.getBoundingClientRect();
    return {top: Math.round(r.top), left: r.left, right: r.right, width: r.width};
  };
  return {
    box: {...edges(box), scrollWidth: box.scrollWidth, clientWidth: box.clientWidth},
    table: edges(table),
    header: table.querySelector('thead tr').getBoundingClientRect().height,
    lines: [...table.querySelectorAll('tbody tr.quote-line')].map(row => [...row.children].map(edges)),
    totals: [...table.querySelectorAll('tfoot td:not(.totals-spacer)')].map(edges),
    buttons: [...table.querySelectorAll('tbody tr.quote-line button')].map(edges),
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  };
}"""


def assert_a_table_of_lines(page, table: str, columns: int, width: int) -> None:
    layout = page.locator(table).evaluate(LAYOUT)
    box = layout["box"]
    assert layout["header"] > 0, width  # the columns' headers in sight
    assert layout["page"] <= 0, width
    assert box["scrollWidth"] <= box["clientWidth"], width  # nothing to scroll sideways in its box
    assert layout["table"]["width"] <= box["clientWidth"] + 0.5, width  # the table fits its panel
    for cells in layout["lines"]:
        assert len(cells) == columns, width
        # One row: the cells of a line share their top, left to right, each inside the box.
        assert len({cell["top"] for cell in cells}) == 1, (width, cells)
        lefts = [cell["left"] for cell in cells]
        assert lefts == sorted(lefts), width
        assert all(box["left"] - 0.5 <= cell["left"] and cell["right"] <= box["right"] + 0.5 for cell in cells), width
        # The product's name in a column of its own, not a word a line.
        assert cells[0]["width"] >= 140, (width, cells[0])
    for part in layout["totals"] + layout["buttons"]:
        assert part["width"] > 0, width
        assert box["left"] - 0.5 <= part["left"], (width, part)
        assert part["right"] <= box["right"] + 0.5, (width, part)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_laptop_a_quotes_lines_are_a_table(page, school, manager, language, screenshot):
    manager.language = language
    manager.save(update_fields=["language"])
    lines = long_lines(school)
    draft, sent = draft_quote(school, manager, lines=lines), sent_quote(school, manager, lines=lines)
    log_in(page, manager.email, PASSWORD)

    for quote, columns in ((draft, 7), (sent, 6)):
        page.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
        table = f"#quote-{quote.pk} .quote-lines"
        expect(page.locator(f"{table} tr.quote-line")).to_have_count(4)
        for width in LAPTOPS:
            page.set_viewport_size({"width": width, "height": 900})
            assert_a_table_of_lines(page, table, columns, width)
            if width in (1180, 1280, 1366):
                page.locator(f"#quote-{quote.pk}").scroll_into_view_if_needed()
                screenshot(page, f"laptop-{width}-{language}-quote-{quote.status}-table", full_page=False)
        # The figures where their headers say.
        first = page.locator(f"{table} tr.quote-line").first
        line = quote.lines.first()
        expect(first.locator(".col-total")).to_have_text(format_money(line.total, language))

        # On a phone, cards: nothing scrolls sideways, neither the page nor the lines' box.
        page.set_viewport_size({"width": 390, "height": 844})
        scrolled = page.locator(table).evaluate(
            "table => { const box = table.closest('.quote-lines-box');"
            " return [document.documentElement.scrollWidth - document.documentElement.clientWidth,"
            " box.scrollWidth - box.clientWidth]; }"
        )
        assert scrolled == [0, 0]
        expect(page.locator(f"{table} thead")).not_to_be_in_viewport()
        page.locator(f"#quote-{quote.pk}").scroll_into_view_if_needed()
        screenshot(page, f"phone-{language}-quote-{quote.status}-lines-390", full_page=False)


def test_on_a_laptop_a_lines_table_is_changed_with_the_keyboard_and_the_mouse(page, school, manager, screenshot):
    quote = draft_quote(school, manager, lines=long_lines(school))
    line = quote.lines.get(product_code="CP-HEURE-CREUSE")
    log_in(page, manager.email, PASSWORD)
    page.set_viewport_size({"width": 1180, "height": 900})
    page.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    table = f"#quote-{quote.pk} .quote-lines"
    assert_a_table_of_lines(page, table, 7, 1180)

    # The keyboard: Edit opens the line's form under its row, at the table's width, and saves it.
    edit = page.get_by_role("button", name="Modifier CP-HEURE-CREUSE")
    edit.focus()
    page.keyboard.press("Enter")
    form = page.locator(f"#line-edit-{line.pk}")
    expect(form.get_by_label("Début")).to_be_focused()
    box = page.locator(f"#quote-{quote.pk} .quote-lines-box").bounding_box()
    row = page.locator(f"#line-{line.pk}").bounding_box()
    shown = form.bounding_box()
    assert shown["y"] >= row["y"] + row["height"] - 1
    assert box["x"] - 0.5 <= shown["x"]
    assert shown["x"] + shown["width"] <= box["x"] + box["width"] + 0.5
    save = form.get_by_role("button", name="Enregistrer")
    save_box = save.bounding_box()
    assert save_box["x"] + save_box["width"] <= box["x"] + box["width"] + 0.5
    screenshot(page, "laptop-1180-fr-quote-line-form", full_page=False)
    form.get_by_label("Quantité").fill("3")
    form.get_by_label("Quantité").press("Enter")
    expect(edit).to_be_focused()
    expect(page.locator(f"#line-{line.pk} .col-quantity")).to_have_text("3")
    expect(page.locator(f"#line-{line.pk} .col-total")).to_have_text("174,00\u00a0€")  # 58 € an hour × 3
    assert_a_table_of_lines(page, table, 7, 1180)

    # The mouse: a product added from the list becomes a fifth row of the table.
    add = page.locator(f"#add-line-{quote.pk}")
    page.wait_for_load_state("networkidle")
    add.locator(".product-results li", has_text="CP-HEURE-CREUSE").get_by_role("button").click()
    expect(page.locator(f"{table} tr.quote-line")).to_have_count(5)
    assert_a_table_of_lines(page, table, 7, 1180)
