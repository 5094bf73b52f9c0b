"""Building a quote of several lines from one 4807 catalog, in a real browser."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from msem.quotes.models import QuoteLine
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.quotes.helpers import catalog, draft_quote, lesson_day, product_with_price

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_next_line_keeps_the_catalog_dates_and_participants(page, school, manager, screenshot):
    tour_operator = catalog(school, code="CE-ALPES", name="CE Alpes Industries")
    product_with_price(school, code="PRIV-2H", name_fr="Cours privé 2 h", catalog=tour_operator, price="120.00")
    product_with_price(school, code="PRIV-DAY", name_fr="Journée privée", catalog=tour_operator, price="420.00")
    quote = draft_quote(school, manager, lines=[])
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    add = page.locator(f"#add-line-{quote.pk}")
    start, end = lesson_day() + timedelta(days=1), lesson_day() + timedelta(days=3)

    add.get_by_label("Catalogue").select_option(label="CE-ALPES — CE Alpes Industries")
    add.get_by_label("Début").fill(start.isoformat())
    add.get_by_label("Fin").fill(end.isoformat())
    add.get_by_label("Participants").fill("2")
    add.get_by_label("Quantité").fill("3")
    page.wait_for_load_state("networkidle")  # the list shown for the new start date, as she would see it
    add.locator("li", has_text="Cours privé 2 h").get_by_role("button").click()
    expect(page.locator(".quote-lines tr.quote-line")).to_have_count(1)

    expect(add.get_by_label("Catalogue")).to_have_value(str(tour_operator.pk))
    expect(add.get_by_label("Début")).to_have_value(start.isoformat())
    expect(add.get_by_label("Fin")).to_have_value(end.isoformat())
    expect(add.get_by_label("Participants")).to_have_value("2")
    expect(add.get_by_label("Quantité")).to_have_value("1")
    add.locator("li", has_text="Journée privée").get_by_role("button").click()
    expect(page.locator(".quote-lines tr.quote-line")).to_have_count(2)
    assert {(line.catalog_code, line.participants, line.start_date) for line in QuoteLine.objects.all()} == {
        ("CE-ALPES", 2, start)
    }

    # A start in the past: the error shows beside the form, what was typed stays.
    yesterday = timezone.localdate() - timedelta(days=1)
    add.get_by_label("Début").fill(yesterday.isoformat())
    add.get_by_label("Participants").fill("5")
    add.locator("li", has_text="Journée privée").get_by_role("button").click()
    error = add.get_by_role("alert")
    expect(error).to_contain_text("Début\u00a0: La date est passée.")
    expect(error).to_be_in_viewport()
    # The keyboard is on the field in error, which says so and points at the error.
    expect(add.get_by_label("Début")).to_be_focused()
    expect(add.get_by_label("Début")).to_have_attribute("aria-invalid", "true")
    expect(add.get_by_label("Début")).to_have_attribute("aria-describedby", f"add-errors-{quote.pk}")
    expect(add.get_by_label("Participants")).not_to_have_attribute("aria-invalid", "true")
    expect(add.get_by_label("Catalogue")).to_have_value(str(tour_operator.pk))
    expect(add.get_by_label("Début")).to_have_value(yesterday.isoformat())
    expect(add.get_by_label("Participants")).to_have_value("5")
    # The products stay listed (a date in the past halts no search), ready for a corrected date.
    expect(add.locator(".product-results")).to_contain_text("Journée privée")
    assert QuoteLine.objects.count() == 2
    screenshot(page, "quote-fr-line-refused", full_page=False)


def test_a_refused_line_in_english(page, school, manager, screenshot):
    manager.language = "en"
    manager.save()
    product_with_price(school, code="COLL-FLOCON", name_fr="Cours collectif Flocon", name_en="Group lesson Flocon")
    quote = draft_quote(school, manager, lines=[])
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    add = page.locator(f"#add-line-{quote.pk}")
    add.get_by_label("Start").fill((timezone.localdate() - timedelta(days=2)).isoformat())
    add.locator("li", has_text="Group lesson Flocon").get_by_role("button").click()
    expect(add.get_by_role("alert")).to_contain_text("This product was not added:")
    expect(add.get_by_role("alert")).to_contain_text("Start: The date is in the past.")
    expect(add.locator(".product-results")).to_contain_text("Group lesson Flocon")
    screenshot(page, "quote-en-line-refused", full_page=False)


def test_changing_a_lines_participants_changes_the_total(page, school, manager, screenshot):
    private = product_with_price(school, code="PRIV-2H", name_fr="Cours privé 2 h", price="120.00")
    group = product_with_price(school, code="COLL-FLOCON", name_fr="Cours collectif Flocon", price="189.00")
    quote = draft_quote(school, manager, lines=[(private, None, 2, 1), (group, None, 2, 1)])
    line = quote.lines.get(product_code="COLL-FLOCON")
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/?back=q%3Dfavre")
    total = page.locator(f"#quote-{quote.pk} [data-quote-total]")
    expect(total).to_have_text("618,00\u00a0€")  # 2 × 120 + 2 × 189, the prices including VAT

    edit = page.get_by_role("button", name="Modifier COLL-FLOCON")
    expect(edit).to_have_attribute("aria-expanded", "false")
    form = page.locator(f"#line-edit-{line.pk}")
    expect(form).to_be_hidden()
    edit.focus()
    page.keyboard.press("Enter")
    expect(edit).to_have_attribute("aria-expanded", "true")
    expect(form.get_by_label("Début")).to_be_focused()  # the keyboard lands in the form it opened
    expect(form.get_by_label("Début")).to_have_value(lesson_day().isoformat())
    expect(form.get_by_label("Participants")).to_have_value("2")
    expect(form.get_by_label("Quantité")).to_have_value("1")
    screenshot(page, "quote-fr-line-edit-open", full_page=False)
    page.set_viewport_size({"width": 1024, "height": 768})
    form.scroll_into_view_if_needed()
    screenshot(page, "quote-fr-line-edit-open-1024", full_page=False)
    page.set_viewport_size({"width": 1440, "height": 900})

    # Escape closes it, as it was, and gives the focus back to "Modifier".
    form.get_by_label("Participants").fill("9")
    page.keyboard.press("Escape")
    expect(form).to_be_hidden()
    expect(edit).to_be_focused()
    edit.click()
    expect(form.get_by_label("Participants")).to_have_value("2")

    form.get_by_label("Participants").fill("5")
    form.get_by_role("button", name="Enregistrer").click()
    expect(total).to_have_text("1\u202f185,00\u00a0€")  # 2 × 120 + 5 × 189
    expect(page.locator(f"#quote-{quote.pk}")).to_contain_text("Ligne COLL-FLOCON modifiée.")
    expect(edit).to_be_focused()  # back on the line she changed, not at the top of the page
    # No page load (the panel alone came back): the address is the one she opened, and the way back to
    # the inbox survives in the forms of the panel that came back.
    assert page.url.endswith("?back=q%3Dfavre")
    expect(page.locator(f"#line-edit-{line.pk} form")).to_have_attribute(
        "action", re.compile(r"back=f%3D1%26q%3Dfavre$")
    )
    line.refresh_from_db()
    assert line.participants == 5

    # An end before the start: the error beside the line, her values kept, nothing changed.
    page.get_by_role("button", name="Modifier COLL-FLOCON").click()
    form.get_by_label("Fin").fill((lesson_day() - timedelta(days=2)).isoformat())
    form.get_by_label("Participants").fill("7")
    form.get_by_role("button", name="Enregistrer").click()
    error = form.get_by_role("alert")
    expect(error).to_contain_text("La ligne COLL-FLOCON n’a pas été modifiée\u00a0:")
    expect(error).to_contain_text("Fin\u00a0: La fin est antérieure au début.")
    expect(error).to_be_in_viewport()
    expect(form.get_by_label("Fin")).to_be_focused()  # the field in error, not the first one
    expect(form.get_by_label("Fin")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Fin")).to_have_attribute("aria-describedby", f"line-errors-{line.pk}")
    expect(form.get_by_label("Début")).not_to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Participants")).to_have_value("7")
    expect(form.get_by_label("Participants")).to_have_attribute("aria-describedby", f"line-errors-{line.pk}")
    expect(total).to_have_text("1\u202f185,00\u00a0€")
    assert page.url.endswith("?back=q%3Dfavre")  # no page load
    expect(page.locator(f"#line-edit-{line.pk} form")).to_have_attribute(
        "action", re.compile(r"back=f%3D1%26q%3Dfavre$")
    )
    assert QuoteLine.objects.get(pk=line.pk).participants == 5
    screenshot(page, "quote-fr-line-edit-refused", full_page=False)
    page.set_viewport_size({"width": 1024, "height": 768})
    error.scroll_into_view_if_needed()
    screenshot(page, "quote-fr-line-edit-refused-1024", full_page=False)


def test_changing_a_line_in_english(page, school, manager, screenshot):
    manager.language = "en"
    manager.save()
    group = product_with_price(
        school, code="COLL-FLOCON", name_fr="Cours collectif Flocon", name_en="Group lesson Flocon"
    )
    quote = draft_quote(school, manager, lines=[(group, None, 2, 1)])
    line = quote.lines.get()
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    page.get_by_role("button", name="Edit COLL-FLOCON").click()
    form = page.locator(f"#line-edit-{line.pk}")
    expect(form.get_by_label("Start")).to_be_focused()
    screenshot(page, "quote-en-line-edit-open", full_page=False)
    page.set_viewport_size({"width": 1024, "height": 768})
    screenshot(page, "quote-en-line-edit-open-1024", full_page=False)
    page.set_viewport_size({"width": 1440, "height": 900})

    form.get_by_label("Participants").fill("0")
    form.get_by_role("button", name="Save").click()
    error = form.get_by_role("alert")
    expect(error).to_contain_text("Line COLL-FLOCON was not changed:")
    expect(error).to_contain_text("Participants: ")
    expect(form.get_by_label("Participants")).to_have_value("0")
    expect(form.get_by_label("Participants")).to_be_focused()
    expect(form.get_by_label("Participants")).to_have_attribute("aria-invalid", "true")
    assert QuoteLine.objects.get(pk=line.pk).participants == 2
    screenshot(page, "quote-en-line-edit-refused", full_page=False)
    page.set_viewport_size({"width": 1024, "height": 768})
    error.scroll_into_view_if_needed()
    screenshot(page, "quote-en-line-edit-refused-1024", full_page=False)


def test_on_a_phone_a_lines_form_says_which_line_it_changes(page, school, manager, screenshot):
    """QA: on a phone the table is scrolled to the Edit button, the product's name out of sight."""
    group = product_with_price(school, code="COLL-FLOCON", name_fr="Cours collectif Flocon")
    private = product_with_price(school, code="PRIV-2H", name_fr="Cours particulier 2 h")
    quote = draft_quote(school, manager, lines=[(group, None, 2, 1), (private, None, 1, 1)])
    line = quote.lines.get(product_code="PRIV-2H")
    log_in(page, manager.email, PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    page.get_by_role("button", name="Modifier PRIV-2H").click()

    named = page.locator(f"#line-edit-{line.pk} .line-edit-name")
    expect(named).to_have_text("Cours particulier 2 h PRIV-2H")
    expect(named).to_be_in_viewport()
    screenshot(page, "quote-fr-line-edit-phone", full_page=False)
    # On a wider screen the line's row, right above, says it.
    page.set_viewport_size({"width": 1440, "height": 900})
    expect(named).to_be_hidden()


# Records what is written into a live region of the "Cours de ski" panel once it is on the page:
# what a screen reader says (a message already there when the page loads may go unheard).
ANNOUNCEMENTS = """
window.__announced = [];
new MutationObserver(function (records) {
  records.forEach(function (record) {
    var node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
    var region = node && node.closest('[role="status"], [aria-live]');
    if (region && region.closest("#quotes-panel") && region.textContent.trim()) {
      window.__announced.push(region.textContent.trim());
    }
  });
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def _eventually(page, expression: str, seconds: float = 5) -> bool:
    """Polled from here: page.wait_for_function would evaluate it with eval(), which the CSP refuses."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(50)
    return True


def _focused_edit_button(page) -> str | None:
    return page.evaluate("document.activeElement && document.activeElement.getAttribute('data-edit-line')")


def _three_line_quote(school, manager):
    products = [
        product_with_price(school, code="COLL-OURSON", name_fr="Cours collectif Ourson", name_en="Group lesson Ourson"),
        product_with_price(school, code="PRIV-2H", name_fr="Cours privé 2 h", name_en="Private lesson 2 h"),
        product_with_price(school, code="COLL-FLOCON", name_fr="Cours collectif Flocon", name_en="Group lesson Flocon"),
    ]
    quote = draft_quote(school, manager, lines=[(product, None, 2, 1) for product in products])
    return quote, quote.lines.get(product_code="COLL-FLOCON")


@pytest.mark.parametrize(
    "words",
    [
        ("fr", "Modifier COLL-FLOCON", "Ligne COLL-FLOCON modifiée."),
        ("en", "Edit COLL-FLOCON", "Line COLL-FLOCON changed."),
    ],
    ids=["fr", "en"],
)
def test_after_a_change_the_keyboard_is_back_on_the_line(page, school, manager, screenshot, words):
    """QA: the panel came back with the focus at the top of the page, the line she changed out of reach.

    QA again: on a phone the focus on "Edit" scrolled the lines sideways to their last column, the
    product's name out of sight.
    """
    language, edit_name, changed = words
    manager.language = language
    manager.save()
    quote, line = _three_line_quote(school, manager)
    page.add_init_script(ANNOUNCEMENTS)
    log_in(page, manager.email, PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    edit = page.get_by_role("button", name=edit_name)
    edit.focus()
    page.keyboard.press("Enter")
    form = page.locator(f"#line-edit-{line.pk}")
    form.get_by_label("Participants").fill("4")
    form.get_by_label("Participants").press("Enter")  # the keyboard alone submits it

    expect(page.locator(f"#quote-{quote.pk} [role=status]")).to_have_text(changed)
    expect(edit).to_be_focused()
    assert _focused_edit_button(page) == f"line-edit-row-{line.pk}"  # document.activeElement: the line's Edit
    expect(edit).to_be_in_viewport()
    # The line from its start: the product's name whole in view, next to its Edit, on a 390 px screen.
    name_cell = page.locator(f"#line-{line.pk} > td").first
    expect(name_cell).to_contain_text("COLL-FLOCON")
    expect(name_cell).to_be_in_viewport(ratio=1)
    assert page.evaluate(f"document.getElementById('line-{line.pk}').closest('.table-scroll').scrollLeft") == 0
    screenshot(page, f"quote-{language}-line-changed-phone", full_page=False)
    expect(page.locator(f"#line-{line.pk}")).to_contain_text("4")
    # Said once the panel is there, in the live region the other messages of the panel use.
    assert _eventually(page, f"window.__announced.indexOf({changed!r}) >= 0")
    assert QuoteLine.objects.get(pk=line.pk).participants == 4
    # Tab goes on from the line: to its "remove" button, not to the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('tr') && document.activeElement.closest('tr').id") == (
        f"line-{line.pk}"
    )


def test_a_change_refused_by_the_school_s_prices_focuses_the_start_date(page, school, manager):
    """A refusal from the service rather than the form (no price that day): its field is named too."""
    quote, line = _three_line_quote(school, manager)
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    page.get_by_role("button", name="Modifier COLL-FLOCON").click()
    form = page.locator(f"#line-edit-{line.pk}")
    far = timezone.localdate() + timedelta(days=400)  # after the season of its price
    form.get_by_label("Fin").fill("")
    form.get_by_label("Début").fill(far.isoformat())
    form.get_by_label("Participants").fill("3")
    form.get_by_role("button", name="Enregistrer").click()
    expect(form.get_by_role("alert")).to_contain_text("pas vendu dans ce catalogue")
    expect(form.get_by_label("Début")).to_be_focused()
    expect(form.get_by_label("Début")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Participants")).not_to_have_attribute("aria-invalid", "true")
    assert QuoteLine.objects.get(pk=line.pk).participants == 2


def test_opening_a_lines_form_closes_the_other_one(page, school, manager, screenshot):
    """QA: two lines' forms open at once, where "Save" sends one and the other's values are lost unsaid."""
    quote, line = _three_line_quote(school, manager)
    other = quote.lines.get(product_code="PRIV-2H")
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    first_edit = page.get_by_role("button", name="Modifier PRIV-2H")
    second_edit = page.get_by_role("button", name="Modifier COLL-FLOCON")
    first_form, second_form = page.locator(f"#line-edit-{other.pk}"), page.locator(f"#line-edit-{line.pk}")
    first_edit.click()
    first_form.get_by_label("Participants").fill("9")

    second_edit.click()
    expect(second_form.get_by_label("Début")).to_be_focused()
    expect(first_form).to_be_hidden()
    expect(first_edit).to_have_attribute("aria-expanded", "false")
    expect(second_edit).to_have_attribute("aria-expanded", "true")
    assert page.locator(".line-edit-row:not([hidden])").count() == 1
    screenshot(page, "quote-fr-line-edit-one-at-a-time", full_page=False)
    # Its unsaved values are dropped: opened again, it shows the line as it is.
    first_edit.click()
    expect(first_form.get_by_label("Participants")).to_have_value("2")
    expect(second_form).to_be_hidden()
    assert QuoteLine.objects.get(pk=other.pk).participants == 2

    # A line's refused change, open with its errors, closes too when another line is opened.
    first_form.get_by_label("Participants").fill("0")
    first_form.get_by_role("button", name="Enregistrer").click()
    expect(first_form.get_by_role("alert")).to_be_visible()
    expect(first_form.get_by_label("Participants")).to_be_focused()
    second_edit.click()
    expect(first_form).to_be_hidden()
    expect(second_form).to_be_visible()
