"""Catalogues → "Exporter (CSV)": a price list as a file French Excel opens with its prices as numbers."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from msem.catalog.models import Catalog, Product
from msem.catalog.services import catalog_account_name_set, catalogs_sync
from tests.catalog.helpers import import_lines, product_line
from tests.factories import MembershipFactory
from tests.html_forms import page_text

pytestmark = pytest.mark.django_db


def export_url(school, **query: str) -> str:
    url = reverse("backoffice:catalogs_export", kwargs={"school_slug": school.slug})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def client_of(user, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def rows_of(response) -> list[dict[str, str]]:
    content = response.content.decode()
    assert content.startswith("\ufeff")  # UTF-8 that Excel recognises as such
    heading, *rows = csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";")
    return [dict(zip(heading, row, strict=True)) for row in rows]


@pytest.fixture
def ce_alpes(school) -> Catalog:
    catalogs_sync(school=school, codes=["CE-ALPES"])
    return catalog_account_name_set(school=school, code="CE-ALPES", account_name="Comité d'entreprise Alpes")


@pytest.fixture
def price_lists(school, ce_alpes):
    import_lines(school, product_line("CC-OURSON", "189,50", season="01/12/2099;15/04/2100"))
    import_lines(
        school,
        product_line("CC-OURSON", "170,00", season="01/12/2099;15/04/2100"),
        product_line("HP-JOUR", "480,00", name="Hors-piste", season="01/12/2099;15/04/2100"),
        catalog=ce_alpes,
    )


def test_the_public_price_list_downloads_in_french_with_its_prices_as_numbers(manager, school, price_lists):
    response = client_of(manager, "fr").get(export_url(school, list="public"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="tarif-public-{school.slug}-')
    (row,) = rows_of(response)
    assert row["Code"] == "CC-OURSON"
    assert row["Prestation"] == "Ourson – 6 matinées"
    assert row["Prix"] == "189,50"  # French Excel reads "189.50" as text, and a column of them does not add up
    assert (row["Valable à partir du"], row["Valable jusqu’au"]) == ("2099-12-01", "2100-04-15")
    assert row["Active"] == "Oui"


def test_a_4807_catalog_downloads_with_its_own_prices_and_what_only_it_sells(manager, school, price_lists, ce_alpes):
    response = client_of(manager, "en").get(export_url(school, list=str(ce_alpes.pk)))

    assert response["Content-Disposition"].startswith(f'attachment; filename="catalog-CE-ALPES-{school.slug}-')
    rows = {row["Code"]: row for row in rows_of(response)}
    assert (rows["CC-OURSON"]["Price"], rows["HP-JOUR"]["Price"]) == ("170.00", "480.00")
    assert rows["HP-JOUR"]["Product"] == "Hors-piste – 6 mornings"
    assert (rows["CC-OURSON"]["Not on the public price list"], rows["HP-JOUR"]["Not on the public price list"]) == (
        "No",
        "Yes",
    )


def test_the_page_offers_the_export_of_the_price_list_it_shows(manager, school, price_lists, ce_alpes):
    page = page_text(client_of(manager, "fr").get(reverse("backoffice:catalogs", args=[school.slug])))
    assert f'href="/backoffice/{school.slug}/catalogs/price-list.csv?list=public" download>' in page
    assert "Exporter (CSV)" in page
    catalog_page = page_text(
        client_of(manager, "fr").get(reverse("backoffice:catalogs", args=[school.slug]), {"list": ce_alpes.pk})
    )
    assert f"price-list.csv?list={ce_alpes.pk}" in catalog_page


def test_past_seasons_are_exported_when_the_page_shows_them(manager, school):
    import_lines(school, product_line("CC-OURSON", "150,00", season="01/12/2020;15/04/2021"))
    client = client_of(manager, "fr")

    assert rows_of(client.get(export_url(school, list="public"))) == []
    assert [row["Prix"] for row in rows_of(client.get(export_url(school, list="public", past="1")))] == ["150,00"]


def test_a_product_name_never_runs_as_a_formula(manager, school, price_lists):
    """A name comes from an imported file or from 4807: "=HYPERLINK(…)" opened in Excel would be a live formula."""
    Product.objects.filter(code="CC-OURSON").update(name_fr='=HYPERLINK("http://evil.example","Prix")')

    (row,) = rows_of(client_of(manager, "fr").get(export_url(school, list="public")))

    assert row["Prestation"].startswith("'=HYPERLINK(")


def test_a_secretary_who_sees_the_price_lists_downloads_them_too(secretary, school, price_lists):
    response = client_of(secretary, "fr").get(export_url(school, list="public"))
    assert response.status_code == 200
    assert len(rows_of(response)) == 1


def test_another_schools_catalog_or_school_is_not_found(manager, school, other_school, price_lists):
    other_catalog = Catalog.objects.create(school=other_school, code="CE-AUTRE", account_name="Autre")
    import_lines(other_school, product_line("SECRET", "99,00", season="01/12/2099;15/04/2100"), catalog=other_catalog)
    client = client_of(manager, "fr")

    assert client.get(export_url(school, list=str(other_catalog.pk))).status_code == 404
    assert client.get(export_url(other_school, list="public")).status_code == 404
    assert client.get(export_url(school, list="nope")).status_code == 404
    # Her school's public list holds none of the other school's products.
    assert "SECRET" not in client.get(export_url(school, list="public")).content.decode()


def test_someone_logged_out_is_sent_to_the_login_page(school, price_lists):
    response = Client().get(export_url(school, list="public"))
    assert response.status_code == 302
    assert "/backoffice/login/" in response["Location"]


def test_a_manager_of_two_schools_gets_the_price_list_of_the_school_in_the_address(manager, school, other_school):
    MembershipFactory(school=other_school, user=manager)
    import_lines(other_school, product_line("AUTRE-1", "99,00", season="01/12/2099;15/04/2100"))
    import_lines(school, product_line("CC-OURSON", "189,00", season="01/12/2099;15/04/2100"))
    client = client_of(manager, "fr")

    assert [row["Code"] for row in rows_of(client.get(export_url(school, list="public")))] == ["CC-OURSON"]
    assert [row["Code"] for row in rows_of(client.get(export_url(other_school, list="public")))] == ["AUTRE-1"]
