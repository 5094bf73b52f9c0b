"""The settings chip, the Sales to 4807 page, the retry and the ledger over HTTP."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from msem.connector4807.models import SalePush
from msem.connector4807.pushing import sales_push_due
from msem.mailing.models import OutgoingEmail
from msem.payments.services import payment_record
from msem.sales.models import Sale
from tests.connector4807.test_connector import paid_sale, simulator  # noqa: F401 (fixture)
from tests.html_forms import page_text
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import off_peak_private_lesson, payment_request, product_with_price, sent_quote

pytestmark = pytest.mark.django_db


def url(name: str, school, **kwargs) -> str:
    return reverse(f"backoffice:{name}", kwargs={"school_slug": school.slug, **kwargs})


def test_enter_on_a_known_code_shows_the_account_name(manager_client, school, simulator):  # noqa: F811
    response = manager_client.post(url("settings_catalog_code", school), {"new_catalog_code": "to-neige-2026"})
    page = page_text(response)
    assert "Neige & Soleil Voyages" in page
    assert 'value="TO-NEIGE-2026"' in page


def test_enter_on_an_unknown_code_refuses_it_with_the_reason(manager_client, school, simulator):  # noqa: F811
    response = manager_client.post(url("settings_catalog_code", school), {"new_catalog_code": "XX-NOPE"})
    assert response["HX-Retarget"] == "#catalog-code-error"
    assert "XX-NOPE" in page_text(response)
    assert "4807" in page_text(response)


def test_a_failed_push_is_listed_and_retry_puts_it_back(manager, manager_client, school, simulator):  # noqa: F811
    push = paid_sale(school, manager)
    simulator.inject("validation")
    sales_push_due(time_budget=10)
    page = page_text(manager_client.get(url("sale_pushes", school)))
    assert push.sale.quote.number in page
    assert "HTTP 422" in page
    response = manager_client.post(url("sale_push_retry", school, push_id=push.pk))
    assert response.status_code == 302
    push.refresh_from_db()
    assert push.status == SalePush.Status.QUEUED
    sales_push_due(time_budget=10)
    assert len(simulator.sales) == 1


def test_the_ledger_exports_the_sales_of_the_embedded_mode(manager, manager_client, school, settings):
    settings.MSEM_4807_URL = ""
    push = paid_sale(school, manager)
    sales_push_due(time_budget=10)
    response = manager_client.get(url("ledger_export", school))
    content = b"".join(response.streaming_content).decode()
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 2
    assert rows[1][2] == push.sale.quote.number
    assert rows[1][-1] == "378,00"  # her language's decimal mark (the manager reads French)


def test_without_a_gateway_the_sales_page_says_its_sales_are_in_msems_ledger(manager, manager_client, school, settings):
    settings.MSEM_4807_URL = ""
    paid_sale(school, manager)
    sales_push_due(time_budget=10)

    page = page_text(manager_client.get(url("sale_pushes", school)))

    assert "Chaque devis payé est inscrit une fois au registre de Msem, à saisir dans 4807." in page
    assert "Au registre de Msem, à saisir dans 4807" in page
    assert "est remonté une fois vers 4807" not in page


def ledger_rows(manager, school, language: str) -> list[list[str]]:
    manager.language = language
    manager.save(update_fields=["language"])
    client = Client()
    client.force_login(manager)
    content = b"".join(client.get(url("ledger_export", school)).streaming_content).decode()
    return list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))


def test_the_ledger_opens_in_french_excel_with_amounts_as_numbers(manager, school, settings):
    """The amounts were "189.00": French Excel keeps that as text, and a column of them does not add up."""
    settings.MSEM_4807_URL = ""
    paid_sale(school, manager)
    sales_push_due(time_budget=10)

    french = dict(zip(*ledger_rows(manager, school, "fr"), strict=True))
    english = dict(zip(*ledger_rows(manager, school, "en"), strict=True))

    assert (french["Prix unitaire"], french["Total de la ligne"], french["Total de la vente"]) == (
        "189,00",
        "378,00",
        "378,00",
    )
    assert (english["Unit price"], english["Line total"], english["Sale total"]) == ("189.00", "378.00", "378.00")
    # The public price list under the name the school knows it by, as on the dashboard.
    assert french["Catalogue"] == "Tarif public"
    assert english["Catalog"] == "Public price list"


def test_a_spreadsheets_sums_of_the_ledgers_money_columns_give_the_sales_figures(manager, school, settings):
    """A sale of two lines had its total on both: summed in Excel, the column counted it twice."""
    settings.MSEM_4807_URL = ""
    flocon = product_with_price(school)
    private = off_peak_private_lesson(school)
    two_lines = paid_sale(school, manager, lines=[(flocon, None, 2, 1), (private, None, 1, 2)])
    one_line = paid_sale(school, manager)
    sales_push_due(time_budget=10)

    heading, *rows = ledger_rows(manager, school, "fr")
    column = {name: index for index, name in enumerate(heading)}

    def summed(name: str) -> Decimal:
        return sum((Decimal(row[column[name]].replace(",", ".")) for row in rows if row[column[name]]), Decimal(0))

    assert len(rows) == 3
    assert summed("Total de la vente") == two_lines.sale.total + one_line.sale.total == Decimal("378.00") * 2 + 116
    assert summed("Total de la ligne") == Decimal("378.00") * 2 + 116
    # The sale's total on its first line, the following ones left blank; its identity on every line.
    first, second = (row for row in rows if row[column["Devis"]] == two_lines.sale.quote.number)
    assert (first[column["Total de la vente"]], second[column["Total de la vente"]]) == ("494,00", "")
    assert second[column["Client"]] == first[column["Client"]] != ""


def test_a_clients_name_never_runs_as_a_formula_in_the_ledger(manager, school, settings):
    """The name comes from the public form: "=HYPERLINK(…)" opened in Excel would be a live formula."""
    settings.MSEM_4807_URL = ""
    inquiry = receive_inquiry(school, first_name='=HYPERLINK("http://evil.example","Facture")')
    quote = sent_quote(school, manager, inquiry=inquiry)
    request = payment_request(school, manager, quote)
    payment_record(
        school=school,
        payment_request_id=request.pk,
        provider="sandbox",
        provider_reference="r-1",
        amount=request.amount,
    )
    sales_push_due(time_budget=10)

    row = dict(zip(*ledger_rows(manager, school, "fr"), strict=True))

    assert row["Client"].startswith("'=HYPERLINK(")


@pytest.mark.parametrize(("language", "name"), [("fr", "ventes-4807"), ("en", "sales-4807")])
def test_the_ledgers_file_is_named_in_the_language_of_its_headings(manager, school, settings, language, name):
    """An English export was "ventes-4807-….csv" with English column headings."""
    settings.MSEM_4807_URL = ""
    manager.language = language
    manager.save(update_fields=["language"])
    client = Client()
    client.force_login(manager)

    response = client.get(url("ledger_export", school))

    assert response["Content-Disposition"].startswith(f'attachment; filename="{name}-{school.slug}-')


def english_sales_page(manager, school) -> str:
    manager.language = "en"
    manager.save(update_fields=["language"])
    client = Client()
    client.force_login(manager)
    return page_text(client.get(url("sale_pushes", school)))


def problem_block(page: str) -> str:
    match = re.search(r'<div class="push-problem[^"]*" data-push-problem="[^"]+">.*?</details>', page, re.DOTALL)
    assert match, "no explained problem on the page"
    return match.group(0)


def test_a_sale_4807_refused_says_why_and_what_to_do(manager, school, simulator):  # noqa: F811
    """It showed only 'HTTP 422: {"error": "invalid_sale", "details": [...]}' in red."""
    paid_sale(school, manager)
    simulator.inject("validation")
    sales_push_due(time_budget=10)

    block = problem_block(english_sales_page(manager, school))

    assert 'class="push-problem is-urgent"' in block
    assert "4807 refused this sale as it is." in block
    assert "<li>simulated validation error</li>" in block  # 4807's reason, in a list of its own
    assert "What to do" in block
    assert "correct them in 4807, then press “Retry”" in block
    # 4807's answer as it came stays, folded, for support.
    assert "4807's answer, for support" in block
    assert "HTTP 422" in block


def test_a_refused_access_key_sends_her_to_the_administrators(manager, school, simulator, settings):  # noqa: F811
    settings.MSEM_4807_TOKEN = "not-the-schools-token"
    paid_sale(school, manager)
    sales_push_due(time_budget=10)

    block = problem_block(english_sales_page(manager, school))

    assert "4807 refused Msem's access key for the school." in block
    assert "Ask the platform's administrators to check the school's 4807 key" in block


def test_a_sale_msem_will_retry_tells_her_there_is_nothing_to_do(manager, school, simulator):  # noqa: F811
    """A 500 that Msem retries by itself was shown in red like a failure, with 4807's raw answer."""
    paid_sale(school, manager)
    simulator.inject("error500")
    sales_push_due(time_budget=10)

    block = problem_block(english_sales_page(manager, school))

    assert 'class="push-problem" data-push-problem="retrying"' in block
    assert "error-text" not in block
    assert "Nothing to do: Msem tries again by itself." in block


def test_the_managers_alert_says_what_happened_and_what_to_do(manager, school, simulator):  # noqa: F811
    manager.language = "en"
    manager.save(update_fields=["language"])
    paid_sale(school, manager)
    simulator.inject("validation")
    sales_push_due(time_budget=10)

    [alert] = OutgoingEmail.objects.filter(kind="alert")

    assert "4807 refused this sale as it is.\n- simulated validation error\n" in alert.text_body
    assert "What to do: Check in 4807 that the catalog and the products of this quote exist" in alert.text_body
    assert "HTTP 422" in alert.text_body


def sold_on(push: SalePush, day: str) -> None:
    """The sale recorded at noon, Paris time, on that day."""
    moment = datetime.fromisoformat(f"{day}T12:00:00+01:00")
    Sale.objects.filter(pk=push.sale_id).update(created_at=moment)


def test_the_sales_of_a_month_their_total_and_their_ledger(manager, school, settings):
    """Closing November: she had every sale since September, no total, and a ledger of the whole season."""
    settings.MSEM_4807_URL = ""
    october, november_first, november_last, december = (paid_sale(school, manager) for _ in range(4))
    sales_push_due(time_budget=10)
    sold_on(october, "2026-10-31")
    sold_on(november_first, "2026-11-01")
    sold_on(november_last, "2026-11-30")
    sold_on(december, "2026-12-01")
    manager.language = "en"
    manager.save(update_fields=["language"])
    client = Client()
    client.force_login(manager)
    november = {"sold_from": "2026-11-01", "sold_to": "2026-11-30"}

    page = page_text(client.get(url("sale_pushes", school), november))

    listed = {
        push.sale.quote.number
        for push in (october, november_first, november_last, december)
        if push.sale.quote.number in page
    }
    assert listed == {november_first.sale.quote.number, november_last.sale.quote.number}
    assert "2 sales · €756.00 incl. VAT" in page  # 2 × 378,00 €, as the dashboard's revenue counts them
    export = f"{url('ledger_export', school)}?sold_from=2026-11-01&amp;sold_to=2026-11-30"
    assert export in client.get(url("sale_pushes", school), november).content.decode()

    response = client.get(url("ledger_export", school), november)
    content = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert sorted(row[2] for row in rows[1:]) == sorted(
        [november_first.sale.quote.number, november_last.sale.quote.number]
    )
    assert f'filename="sales-4807-{school.slug}-2026-11-01-2026-11-30.csv"' in response["Content-Disposition"]


def test_sales_dates_in_the_wrong_order_are_refused_in_words(manager_client, school, settings):
    settings.MSEM_4807_URL = ""
    dates = {"sold_from": "2026-12-01", "sold_to": "2026-11-30"}

    page = manager_client.get(url("sale_pushes", school), dates)
    export = manager_client.get(url("ledger_export", school), dates)

    assert page.status_code == export.status_code == 400
    assert "Le dernier jour est avant le premier jour." in page_text(page)
    assert "Le dernier jour est avant le premier jour." in export.content.decode()
