"""Free-text search in the inbox: one normalised text per dossier, searched by substring.

The text holds the reference, the client's names, address and phone (also
as bare digits, so "0612" finds "06 12 …") and the message, lower-cased and
without accents, so that "helene" finds "Hélène". On PostgreSQL a trigram
index (pg_trgm, with the school first through btree_gin) serves the
substring search; SQLite scans the school's rows.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Protocol

_SPACES = re.compile(r"\s+")
# A phone number as a client reads it out or a phone shows it: "06 39 54 26 28", "+33 6 39…", "0033 6…".
_PHONE = re.compile(r"(\+|0)[\d .\-/()]{7,}")


class Searchable(Protocol):
    reference: str
    first_name: str
    last_name: str
    email: str
    phone: str
    message: str


def normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    without_accents = "".join(character for character in decomposed if not unicodedata.combining(character))
    return _SPACES.sub(" ", without_accents).strip()


def search_text_for(inquiry: Searchable) -> str:
    digits = "".join(character for character in inquiry.phone if character.isdigit())
    parts = [
        inquiry.reference,
        inquiry.first_name,
        inquiry.last_name,
        inquiry.email,
        inquiry.phone,
        digits,
        inquiry.message,
    ]
    return normalize(" ".join(part for part in parts if part))


def phone_search_term(term: str) -> str:
    """The digits to look for when the term is a phone number written any usual way; "" when it is not one.

    A client writes her number in the form as she likes ("06 39 54 26 28",
    "+33 6 39 54 26 28"), and the secretary types it as her phone shows it on a
    call: the search text holds the stored number's digits, so the number is
    looked for without its French prefixes ("0", "+33", "0033"), the part every
    way of writing it contains. Other countries' numbers keep their code.
    """
    if not _PHONE.fullmatch(term):
        return ""
    digits = "".join(character for character in term if character.isdigit())
    if len(digits) < 8:
        return ""
    international = term.startswith("+") or digits.startswith("00")
    digits = digits.removeprefix("00") if digits.startswith("00") else digits
    if international:
        return digits.removeprefix("33") if digits.startswith("33") else digits
    return digits.removeprefix("0")
