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
