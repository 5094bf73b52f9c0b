"""The dashboard's figures as written on the page."""

from __future__ import annotations

import pytest
from django.utils import translation

from msem.backoffice.dashboard_format import duration

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "seconds", "written"),
    [
        ("en", 38_880, f"10{NBSP}h 48{NBSP}min"),
        ("en", 40 * 60, f"40{NBSP}min"),
        ("en", 52 * 3600, f"2{NBSP}d 4{NBSP}h"),
        ("fr", 52 * 3600, f"2{NBSP}j 4{NBSP}h"),
        ("en", 20, "less than a minute"),
    ],
)
def test_a_duration_keeps_each_number_with_its_unit(language, seconds, written):
    """QA: the first answer's median wrapped as "10 h 48" / "min" in its key figure, at 1280 and 390 px."""
    with translation.override(language):
        assert duration(seconds) == written
