"""Passwords made of the words anyone would try first at a ski school (ASVS 6.1.2, 6.2.11).

A word of the list is allowed inside a longer passphrase: the password is
refused only when what is left without those words is shorter than the
minimum length ("msem2025!!" is refused, "msem is where I answer skiers" is not).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from msem.accounts.selectors import memberships_of_user

# The product, the trade, the places: what a guesser tries against a ski school's back office.
CONTEXT_WORDS = (
    "msem",
    "gestioncommerciale",
    "backoffice",
    "ecoledeski",
    "ecolesski",
    "skischool",
    "esf",
    "ski",
    "snowboard",
    "neige",
    "snow",
    "piste",
    "montagne",
    "station",
    "moniteur",
    "ourson",
    "flocon",
    "etoile",
    "chamonix",
    "courchevel",
    "valdisere",
    "tignes",
    "meribel",
    "admin",
    "manager",
    "secretaire",
    "password",
    "motdepasse",
)


_ACCENTS = str.maketrans("àâäéèêëîïôöùûüç", "aaaeeeeiioouuuc")


def _folded(text: str) -> str:
    # Accents and case do not make a word harder to guess: "Étoile" is "etoile".
    return text.lower().translate(_ACCENTS)


def _word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", _folded(text))


class ContextWordsValidator:
    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def left_without_context_words(self, password: str, user: Any = None) -> str:
        left = _folded(password)
        words = list(CONTEXT_WORDS)
        if user is not None:
            # The user's own name and address parts, and the schools she works for.
            words += [_word(part) for part in re.split(r"[\s@._-]+", f"{user.full_name} {user.email}")]
            if user.pk is not None:
                for membership in memberships_of_user(user=user):
                    words += [_word(part) for part in re.split(r"[\s_-]+", membership.school.name)]
                    words.append(_word(membership.school.slug))
        for word in sorted({w for w in words if len(w) >= 3}, key=len, reverse=True):
            left = left.replace(word, "")
        return left

    def validate(self, password: str, user: Any = None) -> None:
        left = self.left_without_context_words(password, user)
        # Only a password that had such words in it: a short one is the minimum length's business.
        if len(left) < len(password) and len(left) < self.min_length:
            raise ValidationError(
                _(
                    "This password is mostly made of words anyone would try first (the product, skiing, "
                    "the school, your name). Make it longer, for example a sentence of your own."
                ),
                code="password_context_words",
            )

    def get_help_text(self) -> str:
        return _("Your password can’t be mostly words anyone would try first: the product, skiing, your school.")
