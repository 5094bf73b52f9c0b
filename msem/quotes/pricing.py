"""Money arithmetic of quotes: Decimal euros, rounded half up to the cent."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(*, unit_price: Decimal, quantity: int, participants: int, per_person: bool) -> Decimal:
    """Per person, the price counts each participant; per lesson or per hour, it does not."""
    return to_cents(unit_price * quantity * (participants if per_person else 1))


@dataclass(frozen=True)
class Totals:
    excluding_vat: Decimal
    vat: Decimal
    including_vat: Decimal


def totals(*, line_totals: list[Decimal], vat_rate: Decimal, prices_include_vat: bool) -> Totals:
    """The quote's totals. With prices including VAT, the VAT is what the total contains."""
    subtotal = to_cents(sum(line_totals, Decimal("0")))
    rate = vat_rate / HUNDRED
    if prices_include_vat:
        excluding = to_cents(subtotal / (1 + rate))
        return Totals(excluding_vat=excluding, vat=subtotal - excluding, including_vat=subtotal)
    vat = to_cents(subtotal * rate)
    return Totals(excluding_vat=subtotal, vat=vat, including_vat=subtotal + vat)


def deposit(*, total: Decimal, percentage: Decimal | None = None, amount: Decimal | None = None) -> Decimal:
    """A deposit of a percentage of the total, or a fixed amount; more than nothing, at most the total."""
    if percentage is not None and amount is None:
        value = to_cents(total * percentage / HUNDRED)
    elif amount is not None and percentage is None:
        value = to_cents(amount)
    else:
        raise ValueError("a deposit is a percentage or an amount")
    if value <= 0 or value > total:
        raise ValueError("a deposit is more than nothing and at most the total")
    return value
