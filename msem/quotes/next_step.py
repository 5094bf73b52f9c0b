"""What the client of an accepted quote does next: one sentence, said alike by his quote's page and his e-mail.

The page (under "You accepted this quote") and the acceptance e-mail used to word it each their own
way ("pay 132,00 €" on one, "pay the deposit of 132,00 €" on the other, for the same request). Both
take it from here: what the request waiting asks for (the deposit, the balance, the whole amount)
and how much, or, with none waiting, that the school will send a link for what is left to pay.
Where the way to pay is (a button on the page, a link in the e-mail) is said by what follows it.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from msem.payments.models import PaymentRequest
from msem.quotes.formatting import format_money
from msem.quotes.models import Quote


def quote_next_step(*, quote: Quote, waiting: PaymentRequest | None, left_to_pay: Decimal, language: str) -> str:
    """In the active language, amounts written for `language`."""
    if waiting is None:
        values = {"school": quote.school.name, "amount": format_money(left_to_pay, language)}
        if left_to_pay < quote.totals().including_vat:
            return (
                _(
                    "Next step: %(school)s will send you a link by e-mail to pay the balance of %(amount)s; "
                    "your booking is confirmed once the quote is fully paid."
                )
                % values
            )
        return (
            _(
                "Next step: %(school)s will send you a link by e-mail to pay %(amount)s; your booking is confirmed "
                "once the quote is fully paid."
            )
            % values
        )
    amount = {"amount": format_money(waiting.amount, language)}
    if waiting.kind == PaymentRequest.Kind.DEPOSIT:
        return _("Next step: pay the deposit of %(amount)s to confirm your booking.") % amount
    if waiting.kind == PaymentRequest.Kind.BALANCE:
        return _("Next step: pay the balance of %(amount)s to confirm your booking.") % amount
    return _("Next step: pay the whole amount of %(amount)s to confirm your booking.") % amount
