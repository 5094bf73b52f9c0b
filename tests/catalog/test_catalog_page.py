"""GESTION COMMERCIALE → Catalogues: each price list's products, and the managers' upload."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from msem.catalog.models import Catalog, CatalogPrice, Product
from msem.catalog.services import catalog_account_name_set, catalogs_sync
from tests.catalog.helpers import csv_file, import_lines, product_line
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def page_url(school, **query: str) -> str:
    url = reverse("backoffice:catalogs", kwargs={"school_slug": school.slug})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def import_url(school) -> str:
    return reverse("backoffice:catalogs_import", kwargs={"school_slug": school.slug})


def upload(content: bytes, name: str = "prices.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture(autouse=True)
def _english(manager, secretary):
    for user in (manager, secretary):
        user.language = "en"
        user.save()


@pytest.fixture
def ce_alpes(school) -> Catalog:
    catalogs_sync(school=school, codes=["CE-ALPES"])
    return catalog_account_name_set(school=school, code="CE-ALPES", account_name="Comité d'entreprise Alpes")


@pytest.fixture
def price_lists(school, ce_alpes):
    import_lines(school, product_line("CC-OURSON", "189,00", season="01/12/2099;15/04/2100"))
    import_lines(
        school,
        product_line("CC-OURSON", "170,00", season="01/12/2099;15/04/2100"),
        product_line("HP-JOUR", "480,00", name="Hors-piste", season="01/12/2099;15/04/2100"),
        catalog=ce_alpes,
    )


def test_the_public_price_list_is_shown_first_with_a_tab_per_catalog(manager_client, school, price_lists, ce_alpes):
    response = manager_client.get(page_url(school))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Public price list" in page
    assert f'href="{page_url(school)}?list={ce_alpes.pk}"' in page
    assert "Comité d&#x27;entreprise Alpes" in page
    assert "Ourson – 6 mornings" in page  # the English name, in an English back office
    # The amount as every other page writes it in English (the sales, the quotes): the euro sign first.
    assert '<td role="cell" class="col-price">€189.00</td>' in page
    assert "HP-JOUR" not in page
    assert 'aria-current="page"><span class="nav-icon icon-catalog"' in page


def test_a_catalog_marks_the_products_that_are_only_in_it(manager_client, school, price_lists, ce_alpes):
    page = manager_client.get(page_url(school, list=str(ce_alpes.pk))).content.decode()

    assert "170.00" in page
    assert "189.00" not in page
    rows = page.split("<tr")
    exclusive = next(row for row in rows if "HP-JOUR" in row)
    shared = next(row for row in rows if "CC-OURSON" in row)
    assert "Only in this catalog" in exclusive
    assert "Only in this catalog" not in shared


def test_the_page_speaks_the_users_language(manager, manager_client, school, price_lists):
    manager.language = "fr"
    manager.save()
    page = manager_client.get(page_url(school)).content.decode()
    assert "Ourson – 6 matinées" in page
    assert '<td role="cell" class="col-price">189,00\u00a0€</td>' in page


def test_past_seasons_are_hidden_until_asked_for(manager_client, school):
    import_lines(school, product_line("CC-ANCIEN", "150,00", season="01/12/2020;15/04/2021"))

    assert "CC-ANCIEN" not in manager_client.get(page_url(school)).content.decode()
    assert "CC-ANCIEN" in manager_client.get(page_url(school, past="1")).content.decode()


def test_an_unknown_or_foreign_price_list_is_a_404(manager_client, school, other_school):
    catalogs_sync(school=other_school, codes=["TO-NEIGE"])
    foreign = Catalog.objects.for_school(other_school).get()
    assert manager_client.get(page_url(school, list=str(foreign.pk))).status_code == 404
    assert manager_client.get(page_url(school, list="nothing")).status_code == 404


def test_a_manager_uploads_a_file_into_a_catalog(manager_client, school, ce_alpes):
    content = csv_file(product_line("CC-OURSON", "170,00"), product_line("CC-FLOCON", "172,50", name="Flocon"))

    response = manager_client.post(import_url(school), {"price_list": str(ce_alpes.pk), "file": upload(content)})

    assert response.status_code == 302
    assert response["Location"] == page_url(school, list=str(ce_alpes.pk))
    prices = CatalogPrice.objects.for_school(school).filter(catalog=ce_alpes)
    assert sorted(prices.values_list("product__code", "unit_price")) == [
        ("CC-FLOCON", Decimal("172.50")),
        ("CC-OURSON", Decimal("170.00")),
    ]
    page = manager_client.get(response["Location"]).content.decode()
    assert "CE-ALPES — Comité d&#x27;entreprise Alpes: 2 rows imported. Products: 2 created, 0 updated." in page


def test_a_bad_file_shows_its_rows_and_stores_nothing(manager_client, school):
    content = csv_file(product_line("CC-OURSON"), product_line("CC-FLOCON", "abc"), product_line("CC-OURSON"))

    response = manager_client.post(import_url(school), {"price_list": "public", "file": upload(content)})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing has been imported." in page
    assert "<td>3</td><td><code>price</code></td><td>“abc” is not a price" in page
    assert "<td>4</td><td><code>code</code></td><td>The code “CC-OURSON” is already on row 2" in page
    assert f'href="{page_url(school)}?list=public"' in page  # the tabs lead back to the page, not to the upload
    assert not Product.objects.exists()


def test_a_post_without_a_file_is_refused(manager_client, school):
    response = manager_client.post(import_url(school), {"price_list": "public"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Product.objects.exists()


def test_a_secretary_sees_the_lists_but_can_not_upload(secretary_client, school, price_lists):
    page = secretary_client.get(page_url(school)).content.decode()
    assert "Ourson – 6 mornings" in page
    assert 'enctype="multipart/form-data"' not in page

    response = secretary_client.post(
        import_url(school), {"price_list": "public", "file": upload(csv_file(product_line("CC-NEW")))}
    )

    assert response.status_code == 403
    assert not Product.objects.for_school(school).filter(code="CC-NEW").exists()


def test_a_manager_of_school_a_gets_404_on_the_page_and_the_upload_of_school_b(manager, school, other_school):
    MembershipFactory(school=other_school)
    client = Client()
    client.force_login(manager)
    import_lines(other_school, product_line("CC-OURSON", "210,00", name="Ourson Autre"))

    assert client.get(page_url(other_school)).status_code == 404
    response = client.post(
        import_url(other_school), {"price_list": "public", "file": upload(csv_file(product_line("CC-OURSON", "1,00")))}
    )

    assert response.status_code == 404
    assert list(CatalogPrice.objects.for_school(other_school).values_list("unit_price", flat=True)) == [
        Decimal("210.00")
    ]
    assert not Product.objects.for_school(school).exists()


def test_a_post_built_for_school_a_with_a_catalog_of_school_b_is_refused(manager_client, school, other_school):
    catalogs_sync(school=other_school, codes=["TO-NEIGE"])
    foreign = Catalog.objects.for_school(other_school).get()

    response = manager_client.post(
        import_url(school), {"price_list": str(foreign.pk), "file": upload(csv_file(product_line("CC-OURSON")))}
    )

    assert response.status_code == 400
    assert not CatalogPrice.objects.exists()


def test_a_file_over_two_megabytes_is_refused_before_it_is_read(manager_client, school):
    content = csv_file(*[product_line(f"CC-{row:06d}") for row in range(40_000)])
    assert len(content) > 2 * 1024 * 1024

    response = manager_client.post(import_url(school), {"price_list": "public", "file": upload(content)})

    assert response.status_code == 400
    assert "The file is larger than 2 MB: split it." in response.content.decode()
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("prices.xlsx", b"PK\x03\x04", "Send a .csv or a .json file"),
        ("prices", b"code;kind", "Send a .csv or a .json file"),
        ("prices.csv", b'[{"code": "CC-OURSON"}]', "The file is named .csv but its content is not CSV."),
        ("prices.json", b"\xef\xbb\xbfcode;kind;name_fr", "The file is named .json but its content is not JSON."),
    ],
)
def test_the_name_must_say_csv_or_json_and_the_content_must_match(manager_client, school, name, content, error):
    response = manager_client.post(import_url(school), {"price_list": "public", "file": upload(content, name)})

    assert response.status_code == 400
    assert error in html.unescape(response.content.decode())
    assert not Product.objects.exists()


def test_a_json_file_named_json_is_imported(manager_client, school):
    content = b'[{"code": "CC-OURSON", "kind": "collective", "name_fr": "Ourson", "name_en": "Ourson", '
    content += b'"pricing_unit": "per_person", "price": 189, "valid_from": "2026-12-01", "valid_until": "2027-04-15"}]'

    response = manager_client.post(import_url(school), {"price_list": "public", "file": upload(content, "prices.json")})

    assert response.status_code == 302
    assert Product.objects.for_school(school).get().code == "CC-OURSON"


def test_a_new_schools_manager_downloads_an_example_file_that_imports_as_it_is(manager_client, school):
    page = manager_client.get(page_url(school)).content.decode()
    example_url = reverse("backoffice:catalogs_example", kwargs={"school_slug": school.slug})
    assert f'<a href="{example_url}" download>Download an example file</a>' in page

    example = manager_client.get(example_url)

    assert example.status_code == 200
    assert example["Content-Disposition"] == 'attachment; filename="price-list-example.csv"'
    content = example.content
    assert content.startswith("\ufeffcode;kind;name_fr;name_en;".encode())  # what Excel opens with its accents
    response = manager_client.post(import_url(school), {"price_list": "public", "file": upload(content)})
    assert response.status_code == 302
    prices = CatalogPrice.objects.for_school(school).filter(catalog=None)
    assert sorted(prices.values_list("product__code", "product__pricing_unit")) == [
        ("CC-OURSON", "per_person"),
        ("CP-1H", "per_lesson"),
        ("GR-CLUB", "per_hour"),
    ]


def test_a_secretary_gets_no_example_file(secretary_client, school):
    response = secretary_client.get(reverse("backoffice:catalogs_example", kwargs={"school_slug": school.slug}))

    assert response.status_code == 403
