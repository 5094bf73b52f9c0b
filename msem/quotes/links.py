"""The client's link to a quote: its token and the version it was sent as.

The token alone would show whatever the quote is now, a draft being changed
included. The link (Quote.link_token) carries the version sent as well,
"<token>.<version>", and a quote shows itself only through the link of its
current version, never as a draft.
Links made before versions were in them (the bare token) still open a quote
that is not a draft.
"""

from __future__ import annotations

from typing import Literal

from msem.quotes.models import LINK_VERSION_SEPARATOR, Quote

# Why a link shows no quote: the school is changing it, sent a newer version, or withdrew it.
LinkProblem = Literal["", "revising", "replaced", "withdrawn"]


def quote_link_split(link_token: str) -> tuple[str, int | None]:
    """The quote's token and the version of the link (None for a link without one)."""
    token, separator, version = link_token.partition(LINK_VERSION_SEPARATOR)
    if not separator:
        return token, None
    return token, int(version) if version.isdigit() else -1


def quote_link_problem(quote: Quote, version: int | None) -> LinkProblem:
    if quote.status == Quote.Status.DRAFT:
        return "revising"
    if quote.status == Quote.Status.CANCELLED:
        return "withdrawn"
    if version is not None and version != quote.version:
        return "replaced"
    return ""
