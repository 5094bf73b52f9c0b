"""The history's changed texts: what was removed marked in "Before", what was added in "After"."""

from __future__ import annotations

from django.utils import translation

from msem.backoffice.templatetags.text_changes import text_after, text_before


def both(before: str, after: str) -> tuple[str, str]:
    with translation.override("en"):
        return str(text_before(before, after)), str(text_after(before, after))


def test_a_word_replaced_is_struck_out_before_and_marked_after():
    assert both("Private lessons → info@school.test", "Private lessons → private@school.test") == (
        'Private lessons → <del data-said="removed:">info@school.test</del>',
        'Private lessons → <ins data-said="added:">private@school.test</ins>',
    )


def test_a_phrase_rewritten_is_one_mark_not_one_per_word():
    assert both("See you on the slopes", "Kind regards from the office") == (
        '<del data-said="removed:">See you on</del> the <del data-said="removed:">slopes</del>',
        '<ins data-said="added:">Kind regards from</ins> the <ins data-said="added:">office</ins>',
    )


def test_a_paragraph_added_keeps_the_line_breaks_around_it():
    before, after = both("Hello,\n\nThanks.", "Hello,\n\nOpen every day.\n\nThanks.")
    assert before == "Hello,<br><br>Thanks."
    added = '<ins data-said="added:">Open every day.<br><br></ins>'
    assert after == f"Hello,<br><br>{added}Thanks."


def test_a_line_added_or_removed_whole_is_shown_on_its_own_side_only():
    assert both("", "granges — Les Granges") == ("", "granges — Les Granges")
    assert both("CE-ALPES", "") == ("CE-ALPES", "")


def test_what_was_typed_is_escaped_on_both_sides():
    before, after = both("<b>Hi</b>", '<img src=x onerror="alert(1)"> Hi')
    assert "<b>" not in before
    assert "<img" not in after
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in after
