"""Building a quote of several lines from one 4807 catalog, in a real browser."""

from __future__ import annotations

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
    add.locator("li", has_text="Cours privé 2 h").get_by_role("button").click()
    expect(page.locator(".quote-lines tbody tr")).to_have_count(1)

    expect(add.get_by_label("Catalogue")).to_have_value(str(tour_operator.pk))
    expect(add.get_by_label("Début")).to_have_value(start.isoformat())
    expect(add.get_by_label("Fin")).to_have_value(end.isoformat())
    expect(add.get_by_label("Participants")).to_have_value("2")
    expect(add.get_by_label("Quantité")).to_have_value("1")
    add.locator("li", has_text="Journée privée").get_by_role("button").click()
    expect(page.locator(".quote-lines tbody tr")).to_have_count(2)
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
