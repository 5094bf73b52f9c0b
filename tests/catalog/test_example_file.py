from __future__ import annotations

from datetime import date

import pytest

from msem.catalog.example_file import season_of


@pytest.mark.parametrize(
    ("today", "season"),
    [
        (date(2026, 12, 7), (date(2026, 12, 1), date(2027, 4, 15))),  # in the season: this one
        (date(2027, 3, 20), (date(2026, 12, 1), date(2027, 4, 15))),
        (date(2027, 5, 2), (date(2027, 12, 1), date(2028, 4, 15))),  # after it: the winter to come
    ],
)
def test_the_example_is_dated_for_the_season_being_sold(today, season):
    assert season_of(today) == season
