"""The dashboard's figures, checked against figures worked out by hand on small sets of dossiers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from msem.accounts.models import Role
from msem.catalog.models import Product
from msem.dashboard.periods import Period, PeriodKind, period_custom
from msem.dashboard.selectors import dashboard_compute, waiting_compute
from msem.inquiries.answers import first_answers_refresh
from msem.inquiries.dossier import inquiries_archive, inquiry_merge, inquiry_note_add
from msem.inquiries.models import Category, Inquiry, InquiryEvent, Subject
from msem.payments.services import payment_request_send
from msem.quotes.services import quote_reopen
from tests.dashboard.helpers import answer, dossier, paid, quote_sent
from tests.factories import MembershipFactory
from tests.quotes.helpers import catalog, product_with_price

pytestmark = pytest.mark.django_db

JANUARY = period_custom(date(2026, 1, 5), date(2026, 1, 18))
IN_JANUARY = datetime(2026, 1, 8, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def subjects(school):
    first = Subject.objects.for_school(school).get()
    second = Subject.objects.create(school=school, label_fr="Cours privés", label_en="Private lessons", email="p@x.fr")
    return first, second


@pytest.fixture
def categories(school):
    village = Category.objects.create(school=school, code="village", label_fr="Village", label_en="Village resort")
    altitude = Category.objects.create(school=school, code="altitude", label_fr="Altitude", label_en="High resort")
    return village, altitude


@pytest.fixture
def colleague(school):
    return MembershipFactory(school=school, role=Role.SECRETARY, user__full_name="Zoé Colleague").user


def counts(stacked) -> dict[str, list[int]]:
    with translation.override("en"):
        return {item.label("en"): stacked.counts[item.key] for item in stacked.items}


def labelled(rows, *fields: str) -> list[tuple]:
    """Each row's label (in English) and the given figures."""
    with translation.override("en"):
        return [(row.item.label("en"), *(getattr(row, name) for name in fields)) for row in rows]


class TestRequests:
    def test_an_empty_period_has_zeros_everywhere(self, school, manager):
        dossier(school, datetime(2025, 12, 1, 10, tzinfo=UTC))  # before the period

        board = dashboard_compute(school=school, period=JANUARY)

        assert len(board.requests_by_subject.buckets) == 14
        assert board.requests_by_subject.items == []
        assert board.requests_by_subject.totals == [0] * 14
        assert board.requests_by_category.total == 0
        assert (board.funnel.requests, board.funnel.quoted, board.funnel.paid) == (0, 0, 0)
        assert board.funnel.quote_rate is None
        assert board.funnel_by_subject == board.funnel_by_category == board.funnel_by_language == []
        assert (board.answers.answered, board.answers.median, board.answers.p90) == (0, None, None)
        assert board.answers_by_subject == board.answers_by_secretary == []
        assert (board.sales, board.revenue) == (0, Decimal("0.00"))
        assert board.revenue_by_catalog == board.revenue_by_kind == []

    def test_one_dossier(self, school, subjects, categories):
        dossier(school, datetime(2026, 1, 7, 15, 30, tzinfo=UTC), subject=subjects[1], category=categories[0])

        board = dashboard_compute(school=school, period=JANUARY)

        day = [0] * 14
        day[2] = 1  # 7 January
        assert counts(board.requests_by_subject) == {"Private lessons": day}
        assert counts(board.requests_by_category) == {"Village resort": day}
        assert board.requests_by_subject.total == 1
        assert labelled(board.funnel_by_language, "requests") == [("French", 1)]

    def test_requests_around_midnight_in_paris_fall_on_the_right_day(self, school):
        period = period_custom(date(2026, 1, 14), date(2026, 1, 15))
        for moment in [
            datetime(2026, 1, 13, 22, 59, tzinfo=UTC),  # 23:59 on the 13th in Paris: before the period
            datetime(2026, 1, 13, 23, 0, tzinfo=UTC),  # midnight: the 14th
            datetime(2026, 1, 14, 22, 59, 59, tzinfo=UTC),  # 23:59:59 on the 14th
            datetime(2026, 1, 14, 23, 30, tzinfo=UTC),  # 00:30 on the 15th
            datetime(2026, 1, 15, 23, 0, tzinfo=UTC),  # midnight: the 16th, after the period
        ]:
            dossier(school, moment)

        assert dashboard_compute(school=school, period=period).requests_by_subject.totals == [2, 1]

    def test_around_midnight_in_summer_time_too(self, school):
        # Summer time starts on Sunday 29 March 2026: Paris is then UTC+2.
        period = period_custom(date(2026, 3, 28), date(2026, 3, 30))
        for moment in [
            datetime(2026, 3, 28, 23, 30, tzinfo=UTC),  # 00:30 on the 29th (winter time)
            datetime(2026, 3, 29, 21, 59, tzinfo=UTC),  # 23:59 on the 29th (summer time)
            datetime(2026, 3, 29, 22, 30, tzinfo=UTC),  # 00:30 on the 30th
        ]:
            dossier(school, moment)

        assert dashboard_compute(school=school, period=period).requests_by_subject.totals == [0, 2, 1]

    def test_weeks_for_a_long_period(self, school, subjects, categories):
        period = Period(PeriodKind.SEASON, date(2026, 9, 1), date(2027, 4, 30))
        dossier(school, datetime(2026, 9, 1, 6, tzinfo=UTC), subject=subjects[0])  # Tuesday 1st: week 0
        dossier(school, datetime(2026, 9, 6, 21, 59, tzinfo=UTC), subject=subjects[1])  # Sunday 6th 23:59: week 0
        dossier(school, datetime(2026, 9, 6, 22, 0, tzinfo=UTC), subject=subjects[1])  # Monday 7th 00:00: week 1
        dossier(school, datetime(2027, 4, 30, 12, tzinfo=UTC), category=categories[1])  # the last day

        board = dashboard_compute(school=school, period=period)

        stacked = board.requests_by_subject
        assert len(stacked.buckets) == 35
        assert stacked.totals[:2] == [2, 1]
        assert stacked.totals[-1] == 1
        assert stacked.total == 4
        assert counts(board.requests_by_category)["High resort"][-1] == 1
        assert counts(board.requests_by_category)["Village resort"][:2] == [2, 1]  # the form's first category

    def test_merged_duplicates_and_other_schools_do_not_count(self, school, other_school, manager):
        kept = dossier(school, IN_JANUARY)
        duplicate = dossier(school, IN_JANUARY + HOUR, email=kept.email)
        inquiry_merge(school=school, actor=manager, target_id=kept.pk, duplicate_id=duplicate.pk)
        dossier(other_school, IN_JANUARY)

        assert dashboard_compute(school=school, period=JANUARY).funnel.requests == 1

    def test_archived_dossiers_still_count_as_received(self, school, manager):
        inquiry = dossier(school, IN_JANUARY)
        inquiries_archive(school=school, actor=manager, inquiry_ids=[inquiry.pk])
        assert dashboard_compute(school=school, period=JANUARY).funnel.requests == 1


class TestFunnel:
    def test_requests_quotes_and_payments_per_subject_category_and_language(
        self, school, manager, subjects, categories
    ):
        first, second = subjects
        village, altitude = categories
        d1 = dossier(school, IN_JANUARY, subject=first, category=village, language="fr")
        d2 = dossier(school, IN_JANUARY, subject=first, category=village, language="en")
        dossier(school, IN_JANUARY, subject=first, category=None, language="fr")
        d4 = dossier(school, IN_JANUARY, subject=second, category=altitude, language="fr")
        dossier(school, IN_JANUARY, subject=second, category=altitude, language="en")
        paid(quote_sent(d1, manager), manager, at=datetime(2026, 3, 1, tzinfo=UTC))  # paid after the period: counts
        quote_sent(d2, manager)
        # Sent, then taken back to draft: a quote was sent all the same.
        quote_reopen(school=school, actor=manager, quote_id=quote_sent(d4, manager).pk)

        board = dashboard_compute(school=school, period=JANUARY)

        def rows(funnel_rows):
            return labelled(funnel_rows, "requests", "quoted", "paid")

        assert rows([board.funnel]) == [("All requests", 5, 3, 1)]
        assert board.funnel.quote_rate == pytest.approx(60.0)
        assert board.funnel.paid_rate == pytest.approx(20.0)
        assert board.funnel.quote_paid_rate == pytest.approx(100 / 3)
        assert rows(board.funnel_by_subject) == [("Request for information", 3, 2, 1), ("Private lessons", 2, 1, 0)]
        assert board.funnel_by_subject[0].quote_paid_rate == pytest.approx(50.0)
        assert board.funnel_by_subject[1].paid_rate == pytest.approx(0.0)
        assert rows(board.funnel_by_category) == [
            ("Village resort", 2, 2, 1),
            ("High resort", 2, 1, 0),
            ("No category", 1, 0, 0),
        ]
        assert rows(board.funnel_by_language) == [("French", 3, 2, 1), ("English", 2, 1, 0)]

    def test_a_removed_subject_keeps_its_figures(self, school, subjects):
        dossier(school, IN_JANUARY, subject=subjects[1])
        Subject.objects.filter(pk=subjects[1].pk).update(removed_at=timezone.now())
        board = dashboard_compute(school=school, period=JANUARY)
        assert [(row.item.label("fr"), row.requests) for row in board.funnel_by_subject] == [("Cours privés", 1)]


class TestTimeToFirstAnswer:
    def test_median_and_90th_percentile_per_subject_and_per_secretary(self, school, manager, colleague, subjects):
        # Secretaries are listed by name: Faker's draw (an "Élodie" or a "Zacharie") could come after Zoé.
        manager.full_name = "Agnès Martin"
        manager.save(update_fields=["full_name"])
        first, second = subjects
        a1, a2, a3, a4 = (dossier(school, IN_JANUARY + n * HOUR, subject=first) for n in range(4))
        b1 = dossier(school, IN_JANUARY, subject=second)
        dossier(school, IN_JANUARY, subject=second)  # never answered
        answer(a1, manager, 1 * HOUR)
        answer(a2, manager, 2 * HOUR)
        quote_sent(a3, colleague, after=3 * HOUR)  # a quote is an answer too
        answer(a4, colleague, 10 * HOUR)
        answer(b1, manager, timedelta(minutes=30))
        # Later e-mails are not the first answer.
        answer(a1, colleague, 20 * HOUR)
        answer(b1, colleague, 2 * HOUR)

        board = dashboard_compute(school=school, period=JANUARY)

        def hours(times):
            with translation.override("en"):
                return (times.item.label("en"), times.answered, times.median / 3600, times.p90 / 3600)

        # Overall: 0.5, 1, 2, 3, 10 hours.
        assert hours(board.answers) == pytest.approx(("All requests", 5, 2.0, 7.2))
        assert (board.answers.requests, board.answers.unanswered) == (6, 1)
        # 1, 2, 3, 10 hours: the median between 2 and 3; 90th at 2.7 ranks, 3 + 0.7 × 7.
        assert [hours(t) for t in board.answers_by_subject] == [
            pytest.approx(("Request for information", 4, 2.5, 7.9)),
            pytest.approx(("Private lessons", 1, 0.5, 0.5)),
        ]
        assert [t.unanswered for t in board.answers_by_subject] == [0, 1]
        # The secretary who sent the first answer: the manager 0.5, 1, 2 h; Zoé 3, 10 h.
        assert [hours(t) for t in board.answers_by_secretary] == [
            pytest.approx((str(manager), 3, 1.0, 1.8)),
            pytest.approx(("Zoé Colleague", 2, 6.5, 9.3)),
        ]

    def test_ties_a_fractional_rank_and_a_deleted_account(self, school, manager, colleague):
        # Ten waits, in minutes, some equal; the colleague answered the longest one.
        minutes = [10, 10, 10, 20, 30, 30, 40, 60, 90, 600]
        for n, wait in enumerate(minutes):
            inquiry = dossier(school, IN_JANUARY + n * HOUR)
            answer(inquiry, colleague if wait == 600 else manager, timedelta(minutes=wait))
        colleague.delete()

        board = dashboard_compute(school=school, period=JANUARY)

        # Median at rank 4.5 (from 0): between 30 and 30. 90th at rank 8.1: 90 + 0.1 × (600 − 90).
        assert (board.answers.answered, board.answers.median / 60, board.answers.p90 / 60) == pytest.approx(
            (10, 30, 141)
        )
        # The deleted account's answer counts overall only; the manager's nine: median 30, 90th 60 + 0.2 × 30.
        assert [(t.item.label("en"), t.answered, t.median / 60, t.p90 / 60) for t in board.answers_by_secretary] == [
            pytest.approx((str(manager), 9, 30, 66))
        ]

    def test_only_staff_replies_and_quotes_count(self, school, manager):
        inquiry = dossier(school, IN_JANUARY)
        # The acknowledgement (automatic), a note and a payment request are no answer.
        quote = quote_sent(inquiry, manager, after=5 * HOUR)
        InquiryEvent.objects.filter(inquiry=inquiry, email__kind="quote").delete()
        inquiry_note_add(school=school, actor=manager, inquiry_id=inquiry.pk, text="Rappeler demain")
        payment_request_send(school=school, actor=manager, quote_id=quote.pk, kind="full", replaces=None)
        InquiryEvent.objects.filter(inquiry=inquiry).exclude(kind="received").update(created_at=IN_JANUARY + HOUR)
        assert InquiryEvent.objects.filter(inquiry=inquiry, email__kind="acknowledgement").exists()
        assert InquiryEvent.objects.filter(inquiry=inquiry, email__kind="payment_request").exists()
        first_answers_refresh(school=school)

        board = dashboard_compute(school=school, period=JANUARY)

        assert (board.answers.answered, board.answers.median) == (0, None)
        assert board.answers_by_secretary == []

    def test_a_single_answer_is_its_own_median_and_percentile(self, school, manager):
        answer(dossier(school, IN_JANUARY), manager, timedelta(minutes=45))
        board = dashboard_compute(school=school, period=JANUARY)
        assert (board.answers.median, board.answers.p90) == pytest.approx((2700, 2700))


class TestRevenue:
    def test_per_price_list_and_per_kind_of_product(self, school, manager):
        collective = product_with_price(school)  # 189.00 per person
        private = product_with_price(
            school, code="PRIV-1H", price="62.00", unit=Product.PricingUnit.PER_HOUR, kind=Product.Kind.PRIVATE
        )
        partner = catalog(school)
        product_with_price(school, code="PRIV-1H", price="55.00", unit=Product.PricingUnit.PER_HOUR, catalog=partner)
        in_period = datetime(2026, 1, 10, 12, tzinfo=UTC)
        # Public price list: 2 × 189 = 378.
        paid(quote_sent(dossier(school, IN_JANUARY), manager), manager, at=in_period)
        # A 4807 catalog line (2 h × 55 = 110) and a public one (1 × 189).
        mixed = quote_sent(
            dossier(school, IN_JANUARY), manager, lines=[(private, partner, 1, 2), (collective, None, 1, 1)]
        )
        paid(mixed, manager, at=in_period)
        # Sold before the period (even for a request of the period): not in its revenue.
        paid(quote_sent(dossier(school, IN_JANUARY), manager), manager, at=datetime(2026, 1, 4, 22, 59, tzinfo=UTC))
        # Quoted but not paid.
        quote_sent(dossier(school, IN_JANUARY), manager)

        board = dashboard_compute(school=school, period=JANUARY)

        assert (board.sales, board.revenue) == (2, Decimal("677.00"))
        assert labelled(board.revenue_by_catalog, "sales", "amount") == [
            ("Public price list", 2, Decimal("567.00")),
            ("TO-NEIGE-2026 — Neige & Soleil Voyages", 1, Decimal("110.00")),
        ]
        assert labelled(board.revenue_by_kind, "sales", "amount") == [
            ("Group lesson", 2, Decimal("567.00")),
            ("Private lesson", 1, Decimal("110.00")),
        ]

    def test_prices_without_vat_count_with_their_vat(self, school, manager):
        school.prices_include_vat = False
        school.save()
        group = product_with_price(
            school, code="GROUPE", price="100.00", unit=Product.PricingUnit.PER_LESSON, kind=Product.Kind.GROUP
        )
        quote = quote_sent(dossier(school, IN_JANUARY), manager, lines=[(group, None, 12, 1)])
        sale = paid(quote, manager, at=IN_JANUARY)
        assert sale.total == Decimal("120.00")

        board = dashboard_compute(school=school, period=JANUARY)

        assert board.revenue == Decimal("120.00")
        assert [(row.item.key, row.amount) for row in board.revenue_by_catalog] == [("public", Decimal("120.00"))]
        assert [(row.item.key, row.amount) for row in board.revenue_by_kind] == [("group", Decimal("120.00"))]


class TestWaiting:
    def test_open_requests_older_than_the_threshold_oldest_first(self, school, manager):
        now = timezone.now()
        new = dossier(school, now - 50 * HOUR)
        in_progress = dossier(school, now - 100 * HOUR)
        Inquiry.objects.filter(pk=in_progress.pk).update(status=Inquiry.Status.IN_PROGRESS)
        waiting_for_client = dossier(school, now - 49 * HOUR)
        Inquiry.objects.filter(pk=waiting_for_client.pk).update(status=Inquiry.Status.WAITING_FOR_CLIENT)
        dossier(school, now - 47 * HOUR)  # not yet 48 hours
        won = dossier(school, now - 200 * HOUR)
        Inquiry.objects.filter(pk=won.pk).update(status=Inquiry.Status.WON)
        archived = dossier(school, now - 200 * HOUR)
        inquiries_archive(school=school, actor=manager, inquiry_ids=[archived.pk])

        waiting = waiting_compute(school=school, hours=48, now=now)
        assert [row.reference for row in waiting.rows] == [
            in_progress.reference,
            new.reference,
            waiting_for_client.reference,
        ]
        assert waiting.total == 3
        assert [row.reference for row in waiting_compute(school=school, hours=72, now=now).rows] == [
            in_progress.reference
        ]
        assert waiting_compute(school=school, hours=46, now=now).total == 4

    def test_the_page_lists_a_few_and_counts_them_all(self, school):
        now = timezone.now()
        for hours in range(60, 65):
            dossier(school, now - hours * HOUR)
        waiting = waiting_compute(school=school, hours=48, limit=3, now=now)
        assert (len(waiting.rows), waiting.total, waiting.more) == (3, 5, 2)
