from __future__ import annotations

from decimal import Decimal

import pytest

from msem.quotes.formatting import format_money
from msem.quotes.pricing import deposit, line_total, to_cents, totals


def test_rounding_half_up_to_the_cent():
    assert to_cents(Decimal("10.005")) == Decimal("10.01")
    assert to_cents(Decimal("10.004")) == Decimal("10.00")
    assert to_cents(Decimal("0.125")) == Decimal("0.13")


def test_a_per_person_price_counts_each_participant_and_the_others_do_not():
    assert line_total(unit_price=Decimal("189"), quantity=1, participants=3, per_person=True) == Decimal("567.00")
    assert line_total(unit_price=Decimal("62.50"), quantity=2, participants=3, per_person=False) == Decimal("125.00")


def test_totals_with_prices_including_vat():
    result = totals(line_totals=[Decimal("100.00"), Decimal("20.00")], vat_rate=Decimal("20"), prices_include_vat=True)
    assert result.including_vat == Decimal("120.00")
    assert result.excluding_vat == Decimal("100.00")
    assert result.vat == Decimal("20.00")


def test_totals_with_prices_excluding_vat():
    result = totals(line_totals=[Decimal("99.99")], vat_rate=Decimal("20"), prices_include_vat=False)
    assert (result.excluding_vat, result.vat, result.including_vat) == (
        Decimal("99.99"),
        Decimal("20.00"),
        Decimal("119.99"),
    )


def test_vat_of_an_odd_total_adds_up_to_the_cent():
    result = totals(line_totals=[Decimal("189.00")] * 3, vat_rate=Decimal("20"), prices_include_vat=True)
    assert result.excluding_vat + result.vat == result.including_vat == Decimal("567.00")
    assert result.excluding_vat == Decimal("472.50")


@pytest.mark.parametrize(
    ("total", "percentage", "amount", "expected"),
    [
        (Decimal("567.00"), Decimal("30"), None, Decimal("170.10")),
        (Decimal("333.33"), Decimal("30"), None, Decimal("100.00")),
        (Decimal("100.01"), Decimal("50"), None, Decimal("50.01")),
        (Decimal("567.00"), None, Decimal("150"), Decimal("150.00")),
    ],
)
def test_deposits(total, percentage, amount, expected):
    assert deposit(total=total, percentage=percentage, amount=amount) == expected


@pytest.mark.parametrize(
    ("percentage", "amount"),
    [(None, None), (Decimal("30"), Decimal("10")), (None, Decimal("0")), (None, Decimal("600"))],
)
def test_a_deposit_is_a_percentage_or_an_amount_more_than_zero_and_at_most_the_total(percentage, amount):
    with pytest.raises(ValueError):  # noqa: PT011
        deposit(total=Decimal("567.00"), percentage=percentage, amount=amount)


def test_money_is_written_the_french_or_the_english_way():
    assert format_money(Decimal("1234.5"), "fr") == "1\u202f234,50\u00a0€"
    assert format_money(Decimal("1234.5"), "en") == "€1,234.50"
