"""The 4807 connector against the simulator, over real HTTP: codes, price lists, sales once."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from msem.accounts.models import User
from msem.catalog.models import Catalog, CatalogPrice, Product
from msem.connector4807.gateway import HttpGateway
from msem.connector4807.models import LedgerEntry, SalePush
from msem.connector4807.pushing import sales_push_due
from msem.connector4807.services import (
    CodeCheck,
    catalog_code_check,
    catalogs_verify,
    price_lists_sync,
    sale_push_retry,
)
from msem.connector4807.simulator import Simulator, demo_establishment
from msem.inquiries.models import InquiryEvent
from msem.mailing.models import OutgoingEmail
from msem.payments.services import payment_record
from msem.quotes.models import QuoteLine
from tests.html_forms import page_text
from tests.mailing.smtp_server import free_port
from tests.quotes.helpers import payment_request, sent_quote

pytestmark = pytest.mark.django_db


@pytest.fixture
def simulator(settings):
    server = Simulator(establishments={"test-token": demo_establishment()}).start()
    settings.MSEM_4807_URL = server.url
    settings.MSEM_4807_TOKEN = "test-token"
    settings.MSEM_4807_CONNECT_TIMEOUT = 1
    settings.MSEM_4807_READ_TIMEOUT = 1
    settings.MSEM_4807_RETRY_BASE_SECONDS = 1
    settings.MSEM_4807_RETRY_MAX_SECONDS = 2
    yield server
    server.stop()


def paid_sale(school, manager, **quote_options):
    quote = sent_quote(school, manager, **quote_options)
    request = payment_request(school, manager, quote)
    payment_record(
        school=school,
        payment_request_id=request.pk,
        provider="sandbox",
        provider_reference=f"ref-{quote.pk}",
        amount=request.amount,
    )
    return SalePush.objects.get(sale__quote=quote)


def taken_over_while_4807_records_it(push: SalePush, monkeypatch) -> None:
    """While the call is under way, another worker takes the push over (this one's lease ran out)."""
    record = HttpGateway.sale_record

    def taken_over_meanwhile(gateway, **kwargs):
        SalePush.objects.filter(pk=push.pk).update(leased_by="another-worker")
        return record(gateway, **kwargs)

    monkeypatch.setattr(HttpGateway, "sale_record", taken_over_meanwhile)


def push_due_now() -> None:
    SalePush.objects.filter(status=SalePush.Status.QUEUED).update(next_attempt_at=timezone.now())


class TestCodes:
    def test_a_known_code_comes_with_its_account_name(self, school, simulator):
        check = catalog_code_check(school=school, code="TO-NEIGE-2026")
        assert check == CodeCheck(CodeCheck.KNOWN, "Neige & Soleil Voyages")

    def test_an_unknown_code_is_refused(self, school, simulator):
        assert catalog_code_check(school=school, code="XX-NOPE").status == CodeCheck.UNKNOWN

    def test_4807_unreachable_keeps_the_code_to_check_later(self, school, settings):
        settings.MSEM_4807_URL = f"http://127.0.0.1:{free_port()}/api/v1"
        assert catalog_code_check(school=school, code="CE-ALPES").status == CodeCheck.UNREACHABLE

    def test_without_a_gateway_codes_cannot_be_checked(self, school, settings):
        settings.MSEM_4807_URL = ""
        assert catalog_code_check(school=school, code="CE-ALPES").status == CodeCheck.UNVERIFIABLE

    def test_a_bad_token_is_not_a_verdict_on_the_code(self, school, simulator, settings):
        settings.MSEM_4807_TOKEN = "wrong"
        assert catalog_code_check(school=school, code="CE-ALPES").status == CodeCheck.UNREACHABLE

    def test_codes_kept_unverified_are_verified_later(self, school, simulator):
        Catalog.objects.create(school=school, code="CE-ALPES")
        Catalog.objects.create(school=school, code="XX-NOPE")
        assert catalogs_verify(school=school) == 1
        verified = Catalog.objects.get(code="CE-ALPES")
        assert (verified.verification, verified.account_name) == ("verified", "Comité d’entreprise Alpes Industrie")
        assert Catalog.objects.get(code="XX-NOPE").verification == "not_verified"


class TestSync:
    def test_price_lists_come_from_4807_and_an_unchanged_sync_writes_nothing(self, school, simulator):
        Catalog.objects.create(school=school, code="TO-NEIGE-2026")
        first = price_lists_sync(school=school)
        assert first.problems == []
        assert first.lists == 2
        public = CatalogPrice.objects.filter(school=school, catalog__isnull=True).count()
        assert public == len(simulator.state.establishments["test-token"].products[None])
        exclusive = CatalogPrice.objects.get(catalog__code="TO-NEIGE-2026", product__code="HP-JOURNEE-PRIVEE")
        assert exclusive.unit_price > 0
        stamps = dict(CatalogPrice.objects.values_list("pk", "updated_at"))

        again = price_lists_sync(school=school)

        assert again.changed == 0
        assert dict(CatalogPrice.objects.values_list("pk", "updated_at")) == stamps

    def test_a_product_gone_from_4807_becomes_inactive_and_quotes_keep_their_lines(self, school, manager, simulator):
        price_lists_sync(school=school)
        quote = sent_quote(school, manager, lines=[(Product.objects.get(code="CC-OURSON"), None, 2, 1)])
        line_before = QuoteLine.objects.get(quote=quote)
        products = simulator.state.establishments["test-token"].products
        products[None] = [row for row in products[None] if row["code"] != "CC-OURSON"]

        report = price_lists_sync(school=school)

        assert report.deactivated == 1
        assert Product.objects.get(code="CC-OURSON").active is False
        assert not CatalogPrice.objects.filter(product__code="CC-OURSON").exists()
        line = QuoteLine.objects.get(quote=quote)
        assert (line.unit_price, line.name_fr) == (line_before.unit_price, line_before.name_fr)

    def test_a_price_changed_in_4807_is_updated(self, school, simulator):
        price_lists_sync(school=school)
        products = simulator.state.establishments["test-token"].products
        products[None] = [dict(row, price="999.00") if row["code"] == "CC-OURSON" else row for row in products[None]]
        price_lists_sync(school=school)
        assert CatalogPrice.objects.get(product__code="CC-OURSON", catalog__isnull=True).unit_price == Decimal("999.00")

    def test_4807_down_changes_nothing(self, school, simulator, settings):
        price_lists_sync(school=school)
        before = Product.objects.filter(active=True).count()
        settings.MSEM_4807_URL = f"http://127.0.0.1:{free_port()}/api/v1"
        report = price_lists_sync(school=school)
        assert report.problems
        assert Product.objects.filter(active=True).count() == before


class TestSales:
    def test_a_paid_quote_is_pushed_once(self, school, manager, simulator):
        push = paid_sale(school, manager)

        report = sales_push_due(time_budget=10)

        assert report.sent == 1
        [sale] = simulator.sales
        push.refresh_from_db()
        assert (push.status, push.remote_id) == ("sent", sale["id"])
        assert sale["key"] == push.idempotency_key
        assert sale["body"]["total"] == "378.00"
        assert sale["body"]["client"]["email"] == push.sale.client_email
        assert sales_push_due(time_budget=10).sent == 0
        assert len(simulator.sales) == 1

    def test_4807_down_for_a_while_then_pushed_once_it_is_back(self, school, manager, simulator, settings):
        push = paid_sale(school, manager)
        url = settings.MSEM_4807_URL
        settings.MSEM_4807_URL = f"http://127.0.0.1:{free_port()}/api/v1"
        assert sales_push_due(time_budget=10).retried == 1
        push.refresh_from_db()
        assert (push.status, push.attempts) == ("queued", 1)
        settings.MSEM_4807_URL = url
        push_due_now()
        assert sales_push_due(time_budget=10).sent == 1
        assert len(simulator.sales) == 1

    def test_a_push_retrying_is_tried_now_from_the_admin_once_4807_is_back(self, school, manager, simulator, settings):
        push = paid_sale(school, manager)
        url = settings.MSEM_4807_URL
        settings.MSEM_4807_URL = f"http://127.0.0.1:{free_port()}/api/v1"
        settings.MSEM_4807_RETRY_BASE_SECONDS = settings.MSEM_4807_RETRY_MAX_SECONDS = 3600
        assert sales_push_due(time_budget=10).retried == 1
        settings.MSEM_4807_URL = url
        assert sales_push_due(time_budget=10).sent == 0  # its next attempt is an hour away
        administrator = Client()
        administrator.force_login(User.objects.create_superuser(email="ops@msem.test", password="x", language="en"))

        response = administrator.post(
            "/admin/connector4807/salepush/", {"action": "try_now", "_selected_action": [push.pk]}, follow=True
        )

        assert "1 row will be tried now." in response.content.decode()
        assert sales_push_due(time_budget=10).sent == 1
        assert len(simulator.sales) == 1
        push.refresh_from_db()
        assert (push.status, push.attempts) == ("sent", 2)

    def test_the_connection_cut_after_4807_recorded_the_sale_creates_no_second_sale(self, school, manager, simulator):
        push = paid_sale(school, manager)
        simulator.inject("drop_after_record")
        assert sales_push_due(time_budget=10).retried == 1
        assert len(simulator.sales) == 1  # recorded, though we never heard back
        push_due_now()
        assert sales_push_due(time_budget=10).sent == 1
        assert len(simulator.sales) == 1
        push.refresh_from_db()
        assert push.remote_id == simulator.sales[0]["id"]

    def test_a_hang_times_out_and_is_retried(self, school, manager, simulator):
        paid_sale(school, manager)
        simulator.inject("hang")
        assert sales_push_due(time_budget=10).retried == 1
        push_due_now()
        assert sales_push_due(time_budget=10).sent == 1
        assert len(simulator.sales) == 1

    def test_500_and_429_are_retried_and_retry_after_is_honoured(self, school, manager, simulator):
        push = paid_sale(school, manager)
        simulator.inject("error500")
        sales_push_due(time_budget=10)
        push.refresh_from_db()
        assert push.last_error.startswith("HTTP 500")
        push_due_now()
        simulator.inject("error429")
        before = timezone.now()
        sales_push_due(time_budget=10)
        push.refresh_from_db()
        assert push.status == "queued"
        assert push.next_attempt_at >= before + timedelta(seconds=1)
        assert [a.code for a in push.attempts_made.all()] == [500, 429]

    def test_a_validation_error_stops_alerts_the_managers_once_and_retry_delivers(
        self, school, manager, secretary, simulator
    ):
        push = paid_sale(school, manager)
        simulator.inject("validation")

        assert sales_push_due(time_budget=10).failed == 1

        push.refresh_from_db()
        assert push.status == "failed"
        alerts = OutgoingEmail.objects.filter(kind="alert")
        assert [email.to_email for email in alerts] == [manager.email]
        assert push.sale.quote.number in alerts[0].subject
        # In the dossier's timeline, so the E-mails page finds it by the dossier's reference.
        inquiry = push.sale.inquiry
        [recorded] = InquiryEvent.objects.filter(inquiry=inquiry, kind="email", email=alerts[0])
        assert recorded.actor is None
        inquiry.refresh_from_db()
        assert inquiry.first_answer_at is None or inquiry.first_answer_at < recorded.created_at
        manager_client = Client()
        manager_client.force_login(manager)
        found = manager_client.get(f"/backoffice/{school.slug}/emails/", {"q": inquiry.reference})
        assert alerts[0].subject in page_text(found)
        assert sale_push_retry(school=school, push_id=push.pk)
        assert sales_push_due(time_budget=10).sent == 1
        assert len(simulator.sales) == 1
        assert OutgoingEmail.objects.filter(kind="alert").count() == 1

    def test_after_the_last_attempt_the_push_rests_failed(self, school, manager, simulator, settings):
        settings.MSEM_4807_PUSH_MAX_ATTEMPTS = 2
        push = paid_sale(school, manager)
        simulator.inject("error500", "error500", "error500")
        sales_push_due(time_budget=10)
        push_due_now()
        sales_push_due(time_budget=10)
        push.refresh_from_db()
        assert push.status == "failed"
        assert simulator.sales == []


class TestBatches:
    """A worker claims several pushes at once: each still gets its own outcome and attempt."""

    def test_in_one_batch_each_sale_gets_its_own_outcome(self, school, manager, simulator):
        pushes = [paid_sale(school, manager) for _ in range(3)]
        simulator.inject("error500", "validation")  # the first call, the second; the third goes through

        report = sales_push_due(time_budget=10)

        assert (report.sent, report.retried, report.failed) == (1, 1, 1)
        first, second, third = (SalePush.objects.get(pk=push.pk) for push in pushes)
        assert (first.status, first.last_error[:8]) == ("queued", "HTTP 500")
        assert (second.status, second.last_error[:8]) == ("failed", "HTTP 422")
        assert (third.status, third.remote_id) == ("sent", simulator.sales[0]["id"])
        assert [(a.outcome, a.code) for a in first.attempts_made.all()] == [("retry", 500)]
        assert [(a.outcome, a.code) for a in second.attempts_made.all()] == [("failed", 422)]
        assert [(a.outcome, a.code, a.detail) for a in third.attempts_made.all()] == [("sent", None, "")]
        assert all(a.finished_at >= a.started_at for a in third.attempts_made.all())

    def test_a_batch_past_half_its_lease_gives_back_the_pushes_it_did_not_try(
        self, school, manager, simulator, settings
    ):
        settings.MSEM_OUTBOX_LEASE_SECONDS = 2
        settings.MSEM_4807_READ_TIMEOUT = 5
        pushes = [paid_sale(school, manager) for _ in range(3)]
        simulator.inject("slow")  # the first push takes a second: half the lease

        assert sales_push_due(time_budget=10).sent == 3

        for push in SalePush.objects.filter(pk__in=[push.pk for push in pushes]):
            # Given back untried, then claimed again: one attempt each, counted once.
            assert push.attempts == 1
            assert push.attempts_made.count() == 1
        assert len(simulator.sales) == 3

    def test_a_push_whose_lease_was_lost_is_left_to_its_new_owner(self, school, manager, simulator, monkeypatch):
        push = paid_sale(school, manager)
        taken_over_while_4807_records_it(push, monkeypatch)
        sales_push_due(time_budget=10)

        push.refresh_from_db()
        # The other worker owns it now: this one's outcome is on its attempt, not on the row.
        assert (push.status, push.leased_by, push.remote_id) == ("sending", "another-worker", "")
        assert [a.outcome for a in push.attempts_made.all()] == ["sent"]

    def test_a_bug_in_one_push_keeps_what_the_batch_did(self, school, manager, simulator, monkeypatch):
        first, second, third = (paid_sale(school, manager) for _ in range(3))
        record = HttpGateway.sale_record

        def second_call_breaks(gateway, **kwargs):
            if kwargs["idempotency_key"] == second.idempotency_key:
                raise RuntimeError("a bug")
            return record(gateway, **kwargs)

        monkeypatch.setattr(HttpGateway, "sale_record", second_call_breaks)
        with pytest.raises(RuntimeError):
            sales_push_due(time_budget=10)

        first.refresh_from_db()
        second.refresh_from_db()
        third.refresh_from_db()
        assert (first.status, first.remote_id) == ("sent", simulator.sales[0]["id"])  # not to be pushed again
        assert second.status == "sending"  # its lease ends, the reaper puts it back
        assert [a.outcome for a in second.attempts_made.all()] == [""]
        assert (third.status, third.attempts, third.attempts_made.count()) == ("queued", 0, 0)  # given back


class TestTimeline:
    """Every report of a sale to 4807 is a step of its dossier's story, dated, with what 4807 said."""

    @staticmethod
    def reports(push: SalePush) -> list[dict]:
        events = InquiryEvent.objects.filter(inquiry=push.sale.inquiry, kind=InquiryEvent.Kind.SALE_REPORT)
        return [event.data for event in events.order_by("created_at", "id")]

    @staticmethod
    def timeline_text(manager, push: SalePush) -> str:
        client = Client()
        client.force_login(manager)
        page = client.get(f"/backoffice/{push.school.slug}/inquiries/{push.sale.inquiry.reference}/")
        return page_text(page)

    def test_a_sale_sent_to_4807_is_in_its_dossiers_timeline_with_4807s_number(self, school, manager, simulator):
        push = paid_sale(school, manager)
        assert self.reports(push) == []

        sales_push_due(time_budget=10)

        push.refresh_from_db()
        number = push.sale.quote.number
        assert self.reports(push) == [{"quote": number, "outcome": "sent", "remote_id": push.remote_id}]
        event = InquiryEvent.objects.get(kind=InquiryEvent.Kind.SALE_REPORT)
        assert (event.created_at, event.actor_id) == (push.sent_at, None)
        assert f"Vente du devis {number} remontée vers 4807 (numéro {push.remote_id})" in self.timeline_text(
            manager, push
        )

    def test_a_refusal_is_in_the_timeline_with_4807s_answer_and_the_retry_that_delivered(
        self, school, manager, simulator
    ):
        push = paid_sale(school, manager)
        simulator.inject("validation")
        sales_push_due(time_budget=10)
        push.refresh_from_db()
        [failed] = self.reports(push)
        assert (failed["outcome"], failed["error"]) == ("failed", push.last_error)
        assert failed["error"]
        page = self.timeline_text(manager, push)
        assert f"Vente du devis {push.sale.quote.number}\u00a0: la remontée vers 4807 a échoué" in page
        assert push.last_error in page

        sale_push_retry(school=school, push_id=push.pk)
        sales_push_due(time_budget=10)

        push.refresh_from_db()
        assert [report["outcome"] for report in self.reports(push)] == ["failed", "sent"]

    def test_a_retried_push_tells_nothing_until_it_ends(self, school, manager, simulator):
        push = paid_sale(school, manager)
        simulator.inject("error500")
        assert sales_push_due(time_budget=10).retried == 1
        assert self.reports(push) == []

    def test_a_push_whose_lease_was_lost_leaves_the_telling_to_its_new_owner(
        self, school, manager, simulator, monkeypatch
    ):
        push = paid_sale(school, manager)
        taken_over_while_4807_records_it(push, monkeypatch)
        sales_push_due(time_budget=10)

        assert self.reports(push) == []

    def test_in_one_batch_each_dossier_gets_its_own_report(self, school, manager, simulator):
        pushes = [paid_sale(school, manager) for _ in range(3)]
        simulator.inject("ok", "validation", "ok")

        sales_push_due(time_budget=10)

        outcomes = []
        for push in pushes:
            push.refresh_from_db()
            [report] = self.reports(push)
            assert report["quote"] == push.sale.quote.number
            outcomes.append((report["outcome"], report.get("remote_id")))
        assert outcomes == [("sent", pushes[0].remote_id), ("failed", None), ("sent", pushes[2].remote_id)]


def test_without_a_gateway_sales_go_to_the_local_ledger_once(school, manager, settings):
    settings.MSEM_4807_URL = ""
    push = paid_sale(school, manager)
    assert sales_push_due(time_budget=10).sent == 1
    entry = LedgerEntry.objects.get()
    push.refresh_from_db()
    assert push.remote_id == entry.number
    assert entry.payload["total"] == "378.00"
    assert InquiryEvent.objects.get(kind=InquiryEvent.Kind.SALE_REPORT).data["remote_id"] == entry.number
    # A repeated push finds the same entry.
    SalePush.objects.filter(pk=push.pk).update(status="queued", next_attempt_at=timezone.now())
    sales_push_due(time_budget=10)
    assert LedgerEntry.objects.count() == 1


def test_the_contract_documents_every_call_the_connector_makes():
    document = json.loads((Path(__file__).resolve().parents[2] / "docs" / "4807-openapi.json").read_text())
    assert set(document["paths"]) == {
        "/accounts/{code}",
        "/catalogs/public/products",
        "/catalogs/{code}/products",
        "/sales",
        "/sales/{id}",
    }
    responses = document["paths"]["/sales"]["post"]["responses"]
    assert {"200", "201", "409", "422", "429"} <= set(responses)
