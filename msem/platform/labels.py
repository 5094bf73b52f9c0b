"""A label followed by its text ("Total including VAT: €655.00"), punctuated for the active language.

French puts a no-break space before the colon, English none: the colon is a
translation of its own (context "after a label"), as in the templates.
"""

from __future__ import annotations

from django.utils.translation import pgettext


def labelled(label: object, text: object) -> str:
    return f"{label}{pgettext('after a label', ':')} {text}"
