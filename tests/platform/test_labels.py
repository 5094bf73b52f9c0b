"""A label and its text, punctuated as each language wants."""

from __future__ import annotations

from django.utils import translation

from msem.platform.labels import labelled


def test_french_puts_a_no_break_space_before_the_colon_and_english_none():
    with translation.override("fr"):
        assert labelled("Total TTC", "655,00 €") == "Total TTC\u00a0: 655,00 €"
    with translation.override("en"):
        assert labelled("Total including VAT", "€655.00") == "Total including VAT: €655.00"
