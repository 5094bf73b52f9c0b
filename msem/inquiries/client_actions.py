"""What a client does on his own (accepts a quote, pays) and the school must hear of.

The client acts from the quote's page or the payment page, or his bank does
(a Stripe webhook): nobody at the school is watching. So the dossier comes back
to the inbox and to the school's turn (see dossier.inquiry_client_acted), and
its assignee, in the language she chose for her back office, or else the
address its subject is routed to, in French like the notification of a new request.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from email.utils import formataddr

from msem.accounts.models import Membership
from msem.inquiries.models import Inquiry
from msem.inquiries.notifications import dossier_url, email_event_record, school_sender
from msem.mailing.models import OutgoingEmail
from msem.mailing.outbox import email_enqueue
from msem.mailing.staff_mail import staff_mail_render
from msem.quotes.formatting import format_money


@dataclass(frozen=True)
class ClientAction:
    """A quote accepted by the client (with the payment request already waiting, if any), or money
    received for one (with what is left to pay)."""

    QUOTE_ACCEPTED = "quote_accepted"
    PAYMENT_RECEIVED = "payment_received"

    kind: str
    quote_number: str
    payment_reference: str = ""
    amount: Decimal | None = None
    remaining: Decimal | None = None

    def event_data(self) -> dict[str, str]:
        """Why the dossier moved, kept in its timeline events (rendered by _client_action.html)."""
        data = {"because": self.kind, "quote": self.quote_number}
        if self.kind == self.PAYMENT_RECEIVED:
            data |= {"payment_reference": self.payment_reference, "amount": str(self.amount)}
        return data


def _school_recipient(inquiry: Inquiry) -> tuple[str, str]:
    """The dossier's assignee while she is one of the school's, in her language; else the address its
    subject is routed to, shared by the school, in French."""
    assignee = inquiry.assignee
    if assignee is not None and Membership.objects.for_school(inquiry.school_id).filter(user=assignee).exists():
        return assignee.email, assignee.language if assignee.language in {"fr", "en"} else "fr"
    return inquiry.subject.email, "fr"


def client_action_notification_queue(*, inquiry: Inquiry, action: ClientAction) -> OutgoingEmail:
    """The school is told, with a link to the dossier; replying writes to the client."""
    school = inquiry.school
    to_email, language = _school_recipient(inquiry)
    context = {
        "school": school,
        "inquiry": inquiry,
        "action": action,
        "amount": format_money(action.amount, language) if action.amount is not None else "",
        "remaining": format_money(action.remaining, language) if action.remaining is not None else "",
        "dossier_url": dossier_url(inquiry),
    }
    mail = staff_mail_render("client_action_notification", context, language=language)
    email = email_enqueue(
        school=school,
        kind=OutgoingEmail.Kind.CLIENT_ACTION,
        language=language,
        to_email=to_email,
        reply_to=formataddr((inquiry.client_name, inquiry.email)),
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
        from_email=school_sender(school),
    )
    # Which action, kept with the e-mail's event: its timeline line says "notice that quote … was accepted".
    email_event_record(inquiry, email, about=action.event_data())
    return email
