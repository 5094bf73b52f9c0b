"""Removing a 4807 catalog that quotes or sales use: the manager is told first, and nothing of theirs is lost."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from msem.accounts.models import User
from msem.catalog.models import Catalog
from msem.commercial_settings.selectors import CatalogUse, catalogs_use
from msem.quotes.models import QuoteLine
from msem.quotes.services import quote_accept, quote_cancel
from msem.sales.models import Sale
from tests.backoffice.test_settings_page import page_data, post, settings_url
from tests.dashboard.helpers import paid
from tests.html_forms import page_text
from tests.quotes.helpers import catalog, draft_quote, lesson_day, product_with_price, sent_quote

pytestmark = pytest.mark.django_db


def url(name: str, school, **kwargs) -> str:
    return reverse(f"backoffice:{name}", kwargs={"school_slug": school.slug, **kwargs})


def chip_of(page: str, code: str) -> str:
    chips = re.findall(r'<li class="chip[^"]*" data-chip>.*?</li>', page, flags=re.S)
    [chip] = [chip for chip in chips if code in chip]
    return chip


@pytest.fixture
def tour_operator(school):
    return catalog(school, code="TO-NEIGE", name="Neige & Soleil Voyages")


@pytest.fixture
def works_council(school):
    return catalog(school, code="CE-ALPES", name="CE des Alpes")


def quotes_from(school, actor, price_list, *, drafts=0, sent=0, cancelled=0):
    product = product_with_price(school, price="170.00", catalog=price_list)
    line = [(product, price_list, 2, 1)]
    made = [draft_quote(school, actor, lines=line) for _ in range(drafts)]
    made += [sent_quote(school, actor, lines=line) for _ in range(sent)]
    for _ in range(cancelled):
        quote = draft_quote(school, actor, lines=line)
        quote_cancel(school=school, actor=actor, quote_id=quote.pk)
    return made


class TestTheChipSaysWhatUsesTheCatalog:
    def test_a_catalog_in_use_says_how_many_quotes_and_asks_before_removal(
        self, manager, manager_client, school, tour_operator, works_council
    ):
        quotes_from(school, manager, tour_operator, drafts=1, sent=2, cancelled=1)

        page = page_text(manager_client.get(settings_url(school)))

        used = chip_of(page, "TO-NEIGE")
        assert "Utilisé\u00a0: 3 devis en cours, dont 1 brouillon" in used
        [question] = re.findall(r'data-confirm="([^"]*)"', used)
        assert question.startswith("Retirer le catalogue TO-NEIGE à l’enregistrement de la page\u202f?")
        assert "3 devis en cours, dont 1 brouillon" in question
        assert "aucune nouvelle ligne de devis ne pourra plus venir de ce catalogue" in question
        unused = chip_of(page, "CE-ALPES")
        assert "data-confirm" not in unused
        assert "Utilisé" not in unused

    def test_sales_made_with_it_are_counted_too(self, manager, manager_client, school, tour_operator):
        [quote] = quotes_from(school, manager, tour_operator, sent=1)
        quote_accept(school=school, quote_id=quote.pk, token=quote.token)
        paid(quote, manager, at=quote.created_at)

        used = chip_of(page_text(manager_client.get(settings_url(school))), "TO-NEIGE")

        assert "Utilisé\u00a0: 1 vente" in used
        assert "devis en cours" not in used
        assert "data-confirm=" in used

    def test_in_english(self, manager, manager_client, school, tour_operator):
        User.objects.filter(pk=manager.pk).update(language="en")
        quotes_from(school, manager, tour_operator, drafts=2)

        used = chip_of(page_text(manager_client.get(settings_url(school))), "TO-NEIGE")

        assert "In use: 2 quotes in progress, 2 of them drafts" in used
        assert "Remove the catalog TO-NEIGE when the page is saved? In use: 2 quotes in progress" in used

    def test_the_counts_of_every_catalog_are_one_query(
        self, manager, school, tour_operator, works_council, django_assert_num_queries
    ):
        quotes_from(school, manager, tour_operator, drafts=1, sent=1)
        quotes_from(school, manager, works_council, sent=1)
        catalog(school, code="TO-SOLEIL")

        with django_assert_num_queries(1):
            uses = catalogs_use(school=school)

        assert uses == {
            "TO-NEIGE": CatalogUse(open_quotes=2, drafts=1, sales=0),
            "CE-ALPES": CatalogUse(open_quotes=1, drafts=0, sales=0),
            "TO-SOLEIL": CatalogUse(open_quotes=0, drafts=0, sales=0),
        }


class TestSavingWithoutTheCatalog:
    def test_its_quotes_stay_as_they_were_and_a_drafts_line_can_still_be_changed(
        self, manager, manager_client, secretary_client, school, tour_operator
    ):
        draft, sent = quotes_from(school, manager, tour_operator, drafts=1, sent=1)
        data = page_data(manager_client, school)
        data["catalog_codes"] = []

        assert post(manager_client, school, data).status_code == 302

        tour_operator.refresh_from_db()
        assert tour_operator.removed_at is not None
        for quote in (draft, sent):
            [line] = QuoteLine.objects.filter(quote=quote)
            assert (line.catalog_id, line.catalog_code, line.unit_price) == (
                tour_operator.pk,
                "TO-NEIGE",
                Decimal("170.00"),
            )
        # A draft's line moves to another day of the season: priced from the catalog's kept prices.
        [line] = QuoteLine.objects.filter(quote=draft)
        new_day = lesson_day() + timedelta(days=3)
        response = secretary_client.post(
            url("quote_line", school, line_id=line.pk),
            {"start_date": new_day.isoformat(), "end_date": "", "participants": "4", "quantity": "1"},
        )
        assert response.status_code == 302
        line.refresh_from_db()
        assert (line.start_date, line.participants, line.unit_price) == (new_day, 4, Decimal("170.00"))

    def test_no_new_line_can_come_from_it_until_its_code_is_typed_again(
        self, manager, manager_client, secretary_client, school, tour_operator
    ):
        [draft] = quotes_from(school, manager, tour_operator, drafts=1)
        product = QuoteLine.objects.get(quote=draft).product
        data = page_data(manager_client, school)
        data["catalog_codes"] = []
        post(manager_client, school, data)
        new_line = {
            "price_list": str(tour_operator.pk),
            "product": product.pk,
            "start_date": lesson_day().isoformat(),
            "participants": 1,
            "quantity": 1,
        }

        secretary_client.post(url("quote_line_add", school, quote_id=draft.pk), new_line)
        assert QuoteLine.objects.filter(quote=draft).count() == 1

        data = page_data(manager_client, school)
        data["catalog_codes"] = ["TO-NEIGE"]
        post(manager_client, school, data)
        assert Catalog.objects.get(code="TO-NEIGE").pk == tour_operator.pk
        secretary_client.post(url("quote_line_add", school, quote_id=draft.pk), new_line)
        assert [line.unit_price for line in QuoteLine.objects.filter(quote=draft)] == [Decimal("170.00")] * 2
        assert "Utilisé\u00a0: 1 devis en cours, dont 1 brouillon" in chip_of(
            page_text(manager_client.get(settings_url(school))), "TO-NEIGE"
        )

    def test_its_sales_keep_its_code(self, manager, manager_client, school, tour_operator):
        [quote] = quotes_from(school, manager, tour_operator, sent=1)
        quote_accept(school=school, quote_id=quote.pk, token=quote.token)
        paid(quote, manager, at=quote.created_at)
        data = page_data(manager_client, school)
        data["catalog_codes"] = []

        post(manager_client, school, data)

        sale = Sale.objects.get(quote=quote)
        assert (sale.catalog_id, sale.catalog_code) == (tour_operator.pk, "TO-NEIGE")
