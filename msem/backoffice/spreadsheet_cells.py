"""The cells of the back office's CSV exports (requests, dashboard, sales ledger), as a spreadsheet opens them."""

from __future__ import annotations


def spreadsheet_safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula: a client's name comes from the public form."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
