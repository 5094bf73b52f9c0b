"""The "Envoyer le devis" and "Demander un paiement" forms of a quote, refused, come back as typed.

A secretary often rewrites the school's text for one client. A placeholder
mistyped, a deposit forgotten or a request sent by a colleague meanwhile must not
cost her that text: what she typed waits in her session until the "Cours de ski"
panel shows it once, in the same form. The reasons are said as before, in the
message at the top of the quote, and the fields they are about are marked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from msem.mailing.models import BODY_MAX_LENGTH

# The session key of a quote's e-mail form refused, until the panel shows it once.
REFUSED_MAIL = "quote_mail_refused"
SEND = "send"
PAYMENT = "payment"
TYPED_FIELDS = {
    SEND: ("subject", "body", "seen"),
    PAYMENT: ("kind", "percentage", "amount", "valid_days", "subject", "body", "version", "replaces"),
}
# What the page showed when she typed (msem.quotes.meanwhile): kept with her text, so that a form refused
# for a typing mistake still stops on a colleague's quote or request sent meanwhile. After such a stop, the
# panel gives them anew: she has been told, and sending again sends.
MARKERS = frozenset(("seen", "version", "replaces"))
# A text longer than a form takes is refused for it: kept to that length and a little more, so that
# the form still says it is too long, without a session growing with whatever was posted.
_KEPT_LENGTH = BODY_MAX_LENGTH + 100


@dataclass(frozen=True)
class TypedMail:
    """A refused form as typed, and its fields in error (marked, described by the message)."""

    values: dict[str, str]
    invalid: tuple[str, ...] = ()


def mail_refused(
    session: SessionBase,
    *,
    quote_id: int,
    form: str,
    data: Any,
    invalid: Iterable[str] = (),
    keep_markers: bool = True,
) -> None:
    """Keep what was typed in the quote's `form` (SEND or PAYMENT) for the panel to show it again.

    keep_markers=False: she was stopped by a colleague's doing, now told; the panel gives the markers anew.
    """
    names = [name for name in TYPED_FIELDS[form] if keep_markers or name not in MARKERS]
    session[REFUSED_MAIL] = {
        "quote": quote_id,
        "form": form,
        "values": {name: str(data.get(name, ""))[:_KEPT_LENGTH] for name in names},
        "invalid": [name for name in invalid if name in TYPED_FIELDS[form]],
    }


def mail_typed(session: SessionBase, *, quote_id: int | None, form: str) -> TypedMail | None:
    """What was typed in the quote's `form` and refused, once; None when nothing was."""
    refused = session.get(REFUSED_MAIL)
    if quote_id is None or not refused or refused.get("quote") != quote_id or refused.get("form") != form:
        return None
    del session[REFUSED_MAIL]
    return TypedMail(values=refused["values"], invalid=tuple(refused.get("invalid", ())))
