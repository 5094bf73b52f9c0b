"""French writes the first of a month "1er sept.": every date with its month's name, in every language's rule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from msem.backoffice import dashboard_format
from msem.platform.moments import time_said

FIRST = date(2026, 9, 1)
NBSP = "\u00a0"


def rendered(source: str, language: str, **values) -> str:
    with translation.override(language):
        return Template(source).render(Context(values))


def test_a_templates_day_on_the_first_of_the_month_is_the_1er_in_french():
    assert rendered('{{ day|date:"DATE_FORMAT" }}', "fr", day=FIRST) == f"1er{NBSP}sept.{NBSP}2026"
    assert rendered('{{ day|date:"DATE_FORMAT" }}', "fr", day=date(2026, 9, 2)) == f"2{NBSP}sept.{NBSP}2026"
    assert rendered('{{ day|date:"j F" }}', "fr", day=FIRST) == "1er septembre"


def test_a_moment_on_the_first_in_a_template_is_the_1er_in_its_local_day():
    # 31 August at 23:30 UTC is 1 September at 01:30 in Paris: the day she reads is the first.
    moment = timezone.make_aware(datetime(2026, 8, 31, 23, 30), UTC)
    assert (
        rendered('{{ moment|date:"DATETIME_FORMAT" }}', "fr", moment=moment) == f"1er{NBSP}sept.{NBSP}2026,{NBSP}01:30"
    )


@pytest.mark.parametrize(
    ("source", "language", "written"),
    [
        ('{{ day|date:"DATE_FORMAT" }}', "en", f"1{NBSP}Sep{NBSP}2026"),  # English has no "1er"
        ('{{ day|date:"SHORT_DATE_FORMAT" }}', "fr", "01/09/2026"),  # no month's name: numbers alone
        ('{{ day|date:"j/m/Y" }}', "fr", "1/09/2026"),
        ("{{ day|date:'Y-m-d' }}", "fr", "2026-09-01"),  # machine values stay ISO
        (r'{{ day|date:"\j j F" }}', "fr", "j 1er septembre"),  # an escaped letter stays a letter
    ],
)
def test_english_numeric_and_machine_dates_are_left_as_they_were(source, language, written):
    assert rendered(source, language, day=FIRST) == written


def test_the_dates_written_in_python_say_the_1er_too():
    assert dashboard_format.day(FIRST, "fr") == f"1er{NBSP}sept.{NBSP}2026"
    assert dashboard_format.day(FIRST, "en") == f"1{NBSP}Sep{NBSP}2026"
    with translation.override("fr"):
        said = time_said(timezone.make_aware(datetime(2026, 9, 1, 14, 32)))
    assert "1er septembre" in said
