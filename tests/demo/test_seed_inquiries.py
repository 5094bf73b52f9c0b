from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from msem.inquiries.models import Inquiry, InquiryEvent
from msem.inquiries.reception import inquiry_receive
from msem.schools.models import DocumentCounter, School
from tests.inquiries.helpers import intake_data

pytestmark = pytest.mark.django_db


def test_fills_bench_schools_with_realistic_spread(capsys):
    call_command("seed_inquiries", "--schools", "2", "--per-school", "300", "--large-school", "500")

    assert School.objects.filter(slug__startswith="bench-").count() == 3
    large = School.objects.get(slug="bench-large")
    rows = Inquiry.objects.for_school(large)
    assert rows.count() == 500
    assert InquiryEvent.objects.for_school(large).filter(kind="received").count() == 500
    languages = Counter(rows.values_list("language", flat=True))
    assert 0.55 < languages["fr"] / 500 < 0.85
    assert len(set(rows.values_list("status", flat=True))) >= 4
    assert rows.filter(archived_at__isnull=False).exists()
    assert rows.filter(archived_at__isnull=True).exists()
    assert rows.exclude(search_text="").count() == 500
    assert len(set(rows.values_list("category_id", flat=True))) == 5
    assert "1100 dossiers" in capsys.readouterr().out


def test_references_stay_unique_and_the_counters_follow(school):
    call_command("seed_inquiries", "--school", school.slug, "--per-school", "50", "--years", "0")
    year = timezone.localdate().year
    counter = DocumentCounter.objects.get(school=school, series="DEM", year=year)
    assert counter.last_value == Inquiry.objects.for_school(school).filter(reference__startswith=f"DEM-{year}").count()
    # A request received afterwards takes the next number.
    inquiry = inquiry_receive(school=school, data=intake_data(school)).inquiry
    assert inquiry.reference == f"DEM-{year}-{counter.last_value + 1:05d}"


def test_says_which_schools_to_fill():
    with pytest.raises(CommandError):
        call_command("seed_inquiries")
    with pytest.raises(CommandError):
        call_command("seed_inquiries", "--school", "nowhere")
