"""The e-mails to a dossier's client refused for good, as the back office tells of them.

The dossier's Client panel lists them, each with what its refusal means and what to do (correct the
address, send it again); the E-mails page says the same of one of them and leads to that card.
"""

from __future__ import annotations

from dataclasses import dataclass

from msem.inquiries.dossier import client_email_resend_obstacle
from msem.inquiries.models import Inquiry
from msem.inquiries.selectors import client_emails_failed
from msem.mailing.models import OutgoingEmail
from msem.mailing.refusals import NO_SUCH_ADDRESS, refusal_cause, refusal_explained


@dataclass(frozen=True)
class FailedEmail:
    """An e-mail to the client refused for good and still to be got to her."""

    email: OutgoingEmail
    explanation: str
    # Sent again only where it may now arrive: a refused address must be corrected first.
    can_resend: bool
    # The client's address changed since it was refused: what is left to do is to send it again.
    corrected: bool
    # Why a copy would bring a link that no longer works (its quote changed …), and what to send instead.
    out_of_date: str = ""


def failed_emails(inquiry: Inquiry, *, correction_below: bool = True) -> list[FailedEmail]:
    """`correction_below`: told on the Client panel, above its form that corrects the address."""
    if inquiry.personal_data_erased_at is not None:
        return []
    shown = []
    for email in client_emails_failed(inquiry=inquiry):
        cause = refusal_cause(email.last_error)
        corrected = email.to_email.casefold() != inquiry.email.casefold()
        out_of_date = client_email_resend_obstacle(inquiry=inquiry, email=email)
        can_resend = (corrected or cause != NO_SUCH_ADDRESS) and not out_of_date
        explanation = refusal_explained(cause, correction_below=correction_below)
        shown.append(FailedEmail(email, explanation, can_resend, corrected, out_of_date))
    return shown
