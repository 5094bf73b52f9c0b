"""A draft quote's "Add a product" form beside the menu: every field shows its whole label and its whole date.

QA: from 901 to about 1 000 px wide its four fields of a row had 117 px each: the dates read "01/07/202"
under the calendar button; with the dates widened, "Participants" ran into "Quantity".
"""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.quotes.helpers import draft_quote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIELDS = """form => [...form.querySelectorAll('.field')].map(field => {
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
  const box = field.getBoundingClientRect();
  const label = field.querySelector('label');
  const control = field.querySelector('input, select');
  return {
    name: control.name,
    field: {top: Math.round(box.top), left: box.left, right: box.right},
    label: label.scrollWidth <= label.clientWidth + 0.5 && label.getBoundingClientRect().right <= box.right + 0.5,
    rems: control.getBoundingClientRect().width / rem,
  };
})"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_add_form_shows_whole_dates_and_labels_at_every_width(page, school, manager, language, screenshot):
    manager.language = language
    manager.save(update_fields=["language"])
    quote = draft_quote(school, manager)
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/inquiries/{quote.inquiry.reference}/")
    form = page.locator(f"#add-line-{quote.pk} form.product-search")
    expect(form).to_be_visible()

    for width in (390, 901, 960, 1000, 1024, 1100, 1280, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        fields = form.evaluate(FIELDS)
        if width in (960, 1000):
            form.scroll_into_view_if_needed()
            screenshot(page, f"quote-add-{language}-{width}", full_page=False)
        for field in fields:
            assert field["label"], (width, field)
            if field["name"] in ("start_date", "end_date"):
                assert field["rems"] >= 9 - 0.01, (width, field)
        # Side by side, no field over its neighbour.
        for row in {field["field"]["top"] for field in fields}:
            boxes = sorted((f["field"] for f in fields if f["field"]["top"] == row), key=lambda box: box["left"])
            for box, following in itertools.pairwise(boxes):
                assert box["right"] <= following["left"] + 0.5, (width, fields)
