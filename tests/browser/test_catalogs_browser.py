"""The Catalogs page in a real browser: a manager of the demo school reads a 4807 catalog and imports a file."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from msem.accounts.models import User
from msem.catalog.models import CatalogPrice
from msem.demo.services import DEMO_PASSWORD, demo_school_ensure, demo_season
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "code;kind;name_fr;name_en;pricing_unit;price;valid_from;valid_until"


def season() -> str:
    """The demo's season, written the French way."""
    return ";".join(day.strftime("%d/%m/%Y") for day in demo_season(timezone.localdate()))


def csv_upload(*lines: str) -> dict:
    return {"name": "neige-soleil.csv", "mimeType": "text/csv", "buffer": "\n".join([HEADER, *lines]).encode()}


def test_a_manager_switches_to_a_4807_catalog_and_imports_a_price_list(page, screenshot):
    school = demo_school_ensure().school
    User.objects.filter(email="manager@demo.test").update(language="en")
    log_in(page, "manager@demo.test", DEMO_PASSWORD)

    page.get_by_role("link", name="Catalogs").click()
    expect(page.get_by_role("heading", name="Catalogs", exact=True)).to_be_visible()
    table = page.locator(".price-table")
    expect(table).to_contain_text("Ourson (first badge) – 6 mornings")
    expect(table).not_to_contain_text("Private off-piste day")
    screenshot(page, "catalogs-public-price-list")

    page.get_by_role("link", name=re.compile("TO-NEIGE-2026")).click()
    expect(page.get_by_role("heading", name="4807 catalog TO-NEIGE-2026")).to_be_visible()
    exclusive = table.locator("tr", has_text="Private off-piste day")
    expect(exclusive).to_contain_text("Only in this catalog")
    expect(exclusive).to_contain_text("€490.00")
    expect(table.locator("tr", has_text="Ourson (first badge)")).not_to_contain_text("Only in this catalog")
    screenshot(page, "catalogs-to-neige-2026")

    # A file with a mistake: nothing is imported, the row is named.
    page.get_by_text("Import a price list").click()
    expect(page.get_by_label("Import into")).to_have_value(re.compile(r"^\d+$"))
    page.get_by_label("File (CSV or JSON)").set_input_files(
        csv_upload(f"TO-RAQUETTES;other;Sortie raquettes;Snowshoe outing;per_person;-45;{season()}")
    )
    page.get_by_role("button", name="Import", exact=True).click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("Nothing has been imported.")
    expect(errors.locator("tr", has_text="negative")).to_contain_text("2")
    screenshot(page, "catalogs-import-errors")
    assert not CatalogPrice.objects.for_school(school).filter(product__code="TO-RAQUETTES").exists()

    page.get_by_label("File (CSV or JSON)").set_input_files(
        csv_upload(
            f"TO-RAQUETTES;other;Sortie raquettes;Snowshoe outing;per_person;45,00;{season()}",
            "CP-2H;private;Cours particulier 2 h (1–2 pers.);Private lesson 2 h (1–2 people);per_lesson;125;"
            + season(),
        )
    )
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        "TO-NEIGE-2026 — Neige & Soleil Voyages: 2 rows imported. Products: 1 created, 0 updated. "
        "Prices: 1 created, 1 updated, 0 unchanged."
    )
    expect(page.get_by_role("heading", name="4807 catalog TO-NEIGE-2026")).to_be_visible()
    expect(table.locator("tr", has_text="Snowshoe outing")).to_contain_text("Only in this catalog")
    expect(table.locator("tr", has_text="Private lesson 2 h")).to_contain_text("€125.00")
    screenshot(page, "catalogs-import-done")
