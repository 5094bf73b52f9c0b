"""What a mail server's final refusal means, said plainly to the secretary who must act on it.

The outbox keeps the server's answer as it came ("550 5.1.1 <x@gmial.com>: User
unknown"): exact, but English and technical. The secretary needs to know what to
do: most refusals of a client's e-mail are a mistyped address, which only the
client can confirm.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# RFC 3463 enhanced codes and the usual words of servers for an address or domain that does not exist:
# 5.1.1 bad mailbox, 5.1.2 bad domain, 5.1.10 domain that takes no mail (null MX), 5.4.4 no route to the domain.
_NO_SUCH_ADDRESS = re.compile(
    r"\b5\.1\.(1|2|10)\b|\b5\.4\.4\b|user unknown|unknown user|no such (user|mailbox|domain|recipient)"
    r"|does not exist|doesn't exist|recipient address rejected|host not found|domain not found|nxdomain",
    re.IGNORECASE,
)
# 5.2.2 mailbox full, and the servers' words for it.
_MAILBOX_FULL = re.compile(r"\b5\.2\.2\b|mailbox (is )?full|over quota|quota exceeded", re.IGNORECASE)

NO_SUCH_ADDRESS = "no_such_address"
MAILBOX_FULL = "mailbox_full"
OTHER = "other"


def refusal_cause(answer: str) -> str:
    """NO_SUCH_ADDRESS, MAILBOX_FULL or OTHER, from the server's answer."""
    if _NO_SUCH_ADDRESS.search(answer):
        return NO_SUCH_ADDRESS
    if _MAILBOX_FULL.search(answer):
        return MAILBOX_FULL
    return OTHER


def refusal_explained(cause: str, *, correction_below: bool = True) -> str:
    """What the refusal means for the secretary, and what to do, in the active language.

    `correction_below`: said on the dossier's Client panel, above the form that corrects the
    address; elsewhere (the E-mails page) the correction is in that panel, which the page links to.
    """
    if cause == NO_SUCH_ADDRESS:
        if not correction_below:
            return _(
                "This address does not exist: check it with the client (by phone if you can), "
                "correct it in the dossier's Client panel, then send the e-mail again from there."
            )
        return _(
            "This address does not exist: check it with the client (by phone if you can), "
            "correct it below, then send the e-mail again."
        )
    if cause == MAILBOX_FULL:
        return _("The client's mailbox is full: send the e-mail again later, or reach the client another way.")
    return _(
        "The client's mail server refused this e-mail for good. Its answer is below; "
        "check the address with the client before sending it again."
    )
