"""Hypothesis strategies for what strangers send to the public form and the intake API.

Each field gets either a plausible value (so that some submissions go all the
way through) or something hostile: any text (controls, NUL, right-to-left
marks, emoji, huge), numbers where text is expected, dates that are not.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

# Surrogates cannot be encoded by any client: not a thing a request can carry.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
long_text = st.text(st.characters(exclude_categories=("Cs",)), min_size=3000, max_size=6000)


def hostile_or(plausible: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(plausible, plausible, any_text, long_text, st.integers().map(str), st.just(""))


def future_day() -> st.SearchStrategy:
    return st.integers(min_value=-400, max_value=1200).map(lambda days: (date.today() + timedelta(days)).isoformat())


def field_values(subject_ids: list[int], category_codes: list[str]) -> st.SearchStrategy:
    """The form's fields, each plausible or hostile, each possibly missing."""
    fields = {
        "subject": hostile_or(st.sampled_from([str(pk) for pk in subject_ids])),
        "category": hostile_or(st.sampled_from(category_codes or [""])),
        "first_name": hostile_or(st.sampled_from(["Claire", "Jean-Émile", "Åsa", "O'Brien"])),
        "last_name": hostile_or(st.sampled_from(["Martin", "Núñez", "Smith"])),
        "email": hostile_or(st.emails().filter(lambda address: len(address) < 200)),
        "phone": hostile_or(st.sampled_from(["+33 6 12 34 56 78", "06 12 34 56 78", ""])),
        "message": hostile_or(st.sampled_from(["Bonjour, deux enfants de 6 et 8 ans.", "Hello"])),
        "arrival_date": hostile_or(future_day()),
        "departure_date": hostile_or(future_day()),
        "participants": hostile_or(st.integers(min_value=-5, max_value=200).map(str)),
    }
    return st.fixed_dictionaries({}, optional=fields)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4),
    max_leaves=12,
)
