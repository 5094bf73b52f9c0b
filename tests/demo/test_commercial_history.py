"""The bulk history of the benchmarks looks like a school's: answers, quotes, sales, consistent with each other."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from msem.demo.commercial_history import commercial_history_bulk_create
from msem.demo.inquiry_generator import SchoolChoices, generate_inquiries, inquiries_bulk_create, season_start
from msem.inquiries.models import Inquiry, InquiryEvent
from msem.inquiries.selectors import categories_live, subjects_live
from msem.quotes.models import Quote
from msem.quotes.services import quote_create
from msem.sales.models import Sale
from tests.inquiries.helpers import receive_inquiry

pytestmark = pytest.mark.django_db


def test_a_season_of_answers_quotes_and_sales(school, manager, secretary):
    choices = SchoolChoices(
        subjects=list(subjects_live(school=school)), categories=list(categories_live(school=school)), staff=[]
    )
    rows = generate_inquiries(school, choices, count=1000, start=season_start(timezone.localdate()), end=timezone.now())
    inquiries_bulk_create(school, list(rows), with_events=False)

    counts = commercial_history_bulk_create(school, staff=[manager, secretary])

    dossiers = Inquiry.objects.for_school(school)
    assert 0.7 < counts.answered / 1000 < 0.85
    assert 0.15 < counts.quoted / 1000 < 0.25
    assert 0.07 < counts.paid / 1000 < 0.13
    assert dossiers.filter(first_answer_at__isnull=False).count() == counts.answered
    assert set(dossiers.exclude(first_answer_by=None).values_list("first_answer_by", flat=True)) == {
        manager.pk,
        secretary.pk,
    }
    assert InquiryEvent.objects.for_school(school).filter(email__kind="acknowledgement").count() == 1000
    assert Quote.objects.for_school(school).filter(sent_at__isnull=False).count() == counts.quoted
    sales = Sale.objects.for_school(school)
    assert sales.count() == counts.paid == dossiers.filter(status=Inquiry.Status.PAID).count()
    # Each sale is the sum of its lines, and happened when its quote was paid, after it was sent.
    for sale in sales.select_related("quote")[:50]:
        assert sale.total == sum(Decimal(line["total"]) for line in sale.lines)
        assert sale.created_at == sale.quote.paid_at > sale.quote.sent_at
    assert sales.aggregate(total=Sum("total"))["total"] > 0

    # A second run adds nothing to dossiers that already have their history.
    assert commercial_history_bulk_create(school, staff=[manager]).answered == 0


def test_the_demo_numbers_quotes_and_dossiers_as_the_app_does(school, manager, secretary):
    choices = SchoolChoices(
        subjects=list(subjects_live(school=school)), categories=list(categories_live(school=school)), staff=[]
    )
    rows = generate_inquiries(school, choices, count=200, start=season_start(timezone.localdate()), end=timezone.now())
    inquiries_bulk_create(school, list(rows), with_events=False)
    commercial_history_bulk_create(school, staff=[manager, secretary])

    seeded = list(Quote.objects.for_school(school).order_by("number").values_list("number", flat=True))
    made_by_the_app = quote_create(school=school, actor=manager, inquiry_id=Inquiry.objects.for_school(school)[0].pk)
    # Same width, and the app's next number follows the demo's last one.
    year = timezone.localdate().year
    assert made_by_the_app.number == f"DEV-{year}-{len(seeded) + 1:05d}"
    assert seeded[-1] == f"DEV-{year}-{len(seeded):05d}"
    assert all(len(number) == len(made_by_the_app.number) for number in seeded)
    received = receive_inquiry(school)
    assert len(received.reference) == len(Inquiry.objects.for_school(school).earliest("received_at").reference)
