"""The filters of the E-mails and Sales to 4807 lists in a real browser: on a phone, no hole above their buttons."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GAP_ABOVE_THE_BUTTONS = """form => {
  const fields = [...form.querySelectorAll('.field')];
  const lowest = Math.max(...fields.map(field => field.getBoundingClientRect().bottom));
  const buttons = form.querySelector('.list-filters-actions').getBoundingClientRect();
  const search = form.querySelector('input[type=search]').getBoundingClientRect();
  return {gap: buttons.top - lowest, level: Math.abs(buttons.bottom - search.bottom)};
}"""


@pytest.mark.parametrize("list_path", ["emails/", "sales/", "emails/?q=x", "sales/?q=x"])
def test_on_a_phone_the_buttons_follow_the_last_field_and_on_a_laptop_they_sit_level_with_the_search(
    page, school, manager, list_path, screenshot
):
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, manager.email, PASSWORD)
    page.goto(f"/backoffice/{school.slug}/{list_path}")

    on_a_phone = page.locator("form.list-filters").evaluate(GAP_ABOVE_THE_BUTTONS)
    screenshot(page, f"list-filters-{list_path.replace('/', '-').replace('?', '')}-390", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 800})
    on_a_laptop = page.locator("form.list-filters").evaluate(GAP_ABOVE_THE_BUTTONS)

    # The fields' own gap (8 px) and a little more, not the 25 px that kept the buttons level with labels.
    assert 0 <= on_a_phone["gap"] <= 14, on_a_phone
    assert on_a_laptop["level"] <= 2, on_a_laptop
