"""The Sales to 4807 page found through its search, its filter and its pages, over HTTP."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from msem.backoffice import sales_views
from msem.connector4807.models import SalePush
from msem.connector4807.pushing import sales_push_due
from msem.sales.models import Sale
from msem.schools.models import School
from tests.connector4807.test_connector import paid_sale, simulator  # noqa: F401 (fixture)
from tests.html_forms import page_text
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db


def sales_page(client, school, **criteria):
    return client.get(reverse("backoffice:sale_pushes", kwargs={"school_slug": school.slug}), criteria)


def sale_of(school, manager, first_name: str, last_name: str) -> SalePush:
    inquiry = receive_inquiry(
        school, first_name=first_name, last_name=last_name, email=f"{last_name.lower()}@example.org"
    )
    return paid_sale(school, manager, inquiry=inquiry)


@pytest.fixture
def three_sales(school, manager, simulator):  # noqa: F811
    """Léa's and Noah's reported to 4807, then Sophie's refused by it."""
    reported = [sale_of(school, manager, "Léa", "Vincent"), sale_of(school, manager, "Noah", "Green")]
    sales_push_due(time_budget=10)
    simulator.inject("validation")
    refused = sale_of(school, manager, "Sophie", "Simon")
    sales_push_due(time_budget=10)
    for push in [*reported, refused]:
        push.refresh_from_db()
    assert [push.status for push in [*reported, refused]] == ["sent", "sent", "failed"]
    return [*reported, refused]


def test_a_sale_is_found_by_its_quote_its_dossier_its_4807_number_or_its_client(manager_client, school, three_sales):
    lea, noah, sophie = three_sales

    for term in (lea.sale.quote.number, lea.sale.inquiry.reference.lower(), lea.remote_id, "Léa V", "vincent@example"):
        page = page_text(sales_page(manager_client, school, q=term))
        assert lea.sale.quote.number in page, term
        assert noah.sale.quote.number not in page, term
        assert sophie.sale.quote.number not in page, term
        assert "1 vente" in page, term


def test_the_failed_reports_are_listed_alone_and_the_reported_ones_apart(manager_client, school, three_sales):
    lea, noah, sophie = three_sales

    failed = page_text(sales_page(manager_client, school, status="failed"))
    reported = page_text(sales_page(manager_client, school, status="reported"))

    assert sophie.sale.quote.number in failed
    assert lea.sale.quote.number not in failed
    assert noah.sale.quote.number not in failed
    assert lea.sale.quote.number in reported
    assert noah.sale.quote.number in reported
    assert sophie.sale.quote.number not in reported


def test_every_sale_is_reached_page_by_page_with_the_criteria_kept(manager_client, school, three_sales, monkeypatch):
    monkeypatch.setattr(sales_views, "SALES_PER_PAGE", 1)
    lea, noah, sophie = three_sales

    first = sales_page(manager_client, school, status="reported")
    second = sales_page(manager_client, school, status="reported", page=2)

    assert "Page 1 sur 2" in page_text(first)
    assert 'href="?status=reported&amp;page=2"' in first.content.decode()
    # The latest first: Noah's, then Léa's.
    assert noah.sale.quote.number in page_text(first)
    assert lea.sale.quote.number not in page_text(first)
    assert lea.sale.quote.number in page_text(second)
    assert noah.sale.quote.number not in page_text(second)
    # Failed first when nothing is filtered: what needs a look.
    everything = page_text(sales_page(manager_client, school))
    assert "Page 1 sur 3" in everything
    assert sophie.sale.quote.number in everything


@pytest.mark.parametrize(
    ("criteria", "error"),
    [
        ({"q": "DEV-2026\r\nBcc: x@example.org"}, "Les retours à la ligne"),
        ({"status": "lost"}, "Sélectionnez un choix valide. lost n’en fait pas partie."),
        ({"q": "x" * 201}, "au plus 200 caractères"),
    ],
)
def test_criteria_it_cannot_use_are_refused_and_nothing_is_listed(manager_client, school, three_sales, criteria, error):
    response = sales_page(manager_client, school, **criteria)

    assert response.status_code == 400
    assert 'aria-invalid="true"' in page_text(response)
    assert error in page_text(response)
    assert all(push.sale.quote.number not in page_text(response) for push in three_sales)


def test_a_search_finds_nothing_of_another_school(other_manager, school, three_sales, client):
    client.force_login(other_manager)
    other = School.objects.exclude(pk=school.pk).get()
    for term in (three_sales[0].sale.quote.number, "vincent", ""):
        page = page_text(sales_page(client, other, q=term))
        assert all(f"/inquiries/{push.sale.inquiry.reference}/" not in page for push in three_sales)
        assert "Aucune vente" in page


def test_a_search_without_a_match_says_so_and_offers_to_clear_it(manager_client, school, three_sales):
    page = page_text(sales_page(manager_client, school, q="Personne"))

    assert "Aucune vente ne correspond à ces critères." in page
    assert "Effacer les filtres" in page


def test_in_english_the_page_counts_its_sales_and_says_its_filters(manager, manager_client, school, three_sales):
    manager.language = "en"
    manager.save(update_fields=["language"])

    page = page_text(sales_page(manager_client, school, status="reported"))
    empty = page_text(sales_page(manager_client, school, q="Nobody"))

    assert "2 sales" in page
    assert "Quote, dossier, 4807 number or client…" in page
    assert "No sale matches these filters." in empty


def test_the_page_reads_as_many_queries_for_three_sales_as_for_one(manager, manager_client, school, simulator):  # noqa: F811
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert sales_page(manager_client, school, q="example").status_code == 200
        return len(captured)

    sale_of(school, manager, "Léa", "Vincent")
    sales_push_due(time_budget=10)
    queries()  # the session's first request also writes the session back: not the page's own
    one = queries()
    sale_of(school, manager, "Noah", "Green")
    sale_of(school, manager, "Sophie", "Simon")
    sales_push_due(time_budget=10)

    assert queries() == one


def test_each_sale_says_which_price_list_its_prices_came_from(manager_client, school, three_sales):
    """A sale from the public price list showed "—" under "Catalogue", as if its origin were unknown."""
    lea, noah, sophie = three_sales
    public_line = {**lea.sale.lines[0], "catalog_code": ""}
    Sale.objects.filter(pk=lea.sale.pk).update(catalog_code="", lines=[public_line])
    Sale.objects.filter(pk=noah.sale.pk).update(
        catalog_code="TO-NEIGE-2026", lines=[{**public_line, "catalog_code": "TO-NEIGE-2026"}]
    )
    Sale.objects.filter(pk=sophie.sale.pk).update(
        catalog_code="", lines=[public_line, {**public_line, "catalog_code": "TO-NEIGE-2026"}]
    )

    page = page_text(sales_page(manager_client, school))
    catalog_cell = {
        push.sale.quote.number: re.search(
            rf">{push.sale.quote.number}</a>.*?class=\"col-catalog\"[^>]*>([^<]*)</td>", page, re.S
        ).group(1)
        for push in three_sales
    }
    assert catalog_cell == {
        lea.sale.quote.number: "Tarif public",
        noah.sale.quote.number: "TO-NEIGE-2026",
        sophie.sale.quote.number: "Plusieurs tarifs",
    }
