"""The French convention of no-break spaces before « : ; ! ? » and inside « », for any text.

Our own catalog follows it (`python -m msem.platform.french_typography` rewrites it); a school's
French e-mail texts are given it when they are composed, so that a « ! » or a « : » the secretary
typed after a space never starts a line of the client's e-mail.

The same convention writes an elision's apostrophe as the typographic one (l’école, aujourd’hui),
as Django's own French does: the keyboard's straight ' beside it on one page looked like two hands.
"""

from __future__ import annotations

import re
from collections.abc import Callable

NO_BREAK_SPACE = "\u00a0"
NARROW_NO_BREAK_SPACE = "\u202f"

# The spaces that may stand before a mark: the ordinary one, and either no-break space (so that
# one written with the other convention is brought to this one).
_SPACE = f"[ {NO_BREAK_SPACE}{NARROW_NO_BREAK_SPACE}]+"
_SPACE_INSIDE_GUILLEMETS = re.compile(f"(?<=«){_SPACE}|{_SPACE}(?=»)")
# The lookbehind makes a match start at the run's first space, and leaves a space right after « to
# the guillemet (« ; » quotes the semicolon as a character: the space before it is the guillemet's).
_SPACE_BEFORE_MARK = re.compile(f"(?<![«{NO_BREAK_SPACE}{NARROW_NO_BREAK_SPACE} ]){_SPACE}(?=[:;!?])")
_WANTED_BEFORE = {
    ":": NO_BREAK_SPACE,
    ";": NARROW_NO_BREAK_SPACE,
    "!": NARROW_NO_BREAK_SPACE,
    "?": NARROW_NO_BREAK_SPACE,
}

# An apostrophe between two letters is an elision's; one after a space or before a digit quotes.
_ELISION = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
APOSTROPHE = "\u2019"

# What is not French prose: placeholders (printf-style with a name, bare %s/%d, %%), str.format
# fields, URLs and HTML tags; and e-mail addresses (o'brien@… is an address, not an elision). A
# space next to them may change; nothing inside them does.
_PROTECTED = re.compile(
    r"%\([^)]*\)[#0\- +]*\d*(?:\.\d+)?[a-zA-Z]"
    r"|%%|%[#0\- +]*\d*(?:\.\d+)?[sdifr]"
    r"|\{[^{}\s]*\}"
    r"|\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s<>\"'«»]+"
    r"|<[a-zA-Z/!][^<>]*>"
)
# An address is found from its "@domain.tld", then its name is walked back: a pattern starting with
# the name ([\w.'-]+@) is tried at every letter of the text, and tripled the cost of a mail.
_ADDRESS_DOMAIN = re.compile(r"@[\w-]+(?:\.[\w-]+)+")
_ADDRESS_NAME_CHARACTERS = frozenset(".+'-_")


def _protected_spans(text: str) -> list[tuple[int, int]]:
    spans = [protected.span() for protected in _PROTECTED.finditer(text)]
    if "@" in text:
        for domain in _ADDRESS_DOMAIN.finditer(text):
            start = domain.start()
            while start and (text[start - 1].isalnum() or text[start - 1] in _ADDRESS_NAME_CHARACTERS):
                start -= 1
            spans.append((start, domain.end()))
    return spans


def _replace_unprotected(pattern: re.Pattern[str], text: str, wanted: Callable[[re.Match[str]], str]) -> str:
    """Replace what `pattern` finds (a run of spaces, an apostrophe) by `wanted(match)`, outside protected spans."""
    # Found only when something is to change: a text that follows the convention already (a school's
    # French e-mail, composed in the form's request) is not read for its URLs and placeholders.
    spans: list[tuple[int, int]] | None = None

    def replacement(match: re.Match[str]) -> str:
        nonlocal spans
        replaced = wanted(match)
        if replaced == match.group():
            return replaced
        if spans is None:
            spans = _protected_spans(text)
        start, end = match.span()
        if any(start < span_end and span_start < end for span_start, span_end in spans):
            return match.group()
        return replaced

    return pattern.sub(replacement, text)


def french_typography(text: str) -> str:
    """The text with the convention's no-break space before « : ; ! ? » and inside « », and its apostrophes."""
    if "«" in text or "»" in text:
        text = _replace_unprotected(_SPACE_INSIDE_GUILLEMETS, text, lambda match: NO_BREAK_SPACE)
    if "'" in text:
        text = _replace_unprotected(_ELISION, text, lambda match: APOSTROPHE)
    return _replace_unprotected(_SPACE_BEFORE_MARK, text, lambda match: _WANTED_BEFORE[match.string[match.end()]])
