"""The blank contact form, drawn once per content and handed out with a fresh token each time.

Drawing the page (the form's widgets, the templates) costs several times what
answering it otherwise does. A blank form is the same for every visitor of a
school in a language on a given day, except for its single-use token: the
page is kept per process under a key made of everything it shows (the
school's name, its live subjects and categories with their labels, the day),
read from the database at each request, so a change in the Paramètres shows
at once, with no invalidation to forget.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.utils import timezone
from django.utils.html import escape

from msem.inquiries.selectors import categories_live, subjects_live
from msem.schools.models import School

# Stands where the token goes; nothing a school or a translation could write.
TOKEN_SLOT = "\x1bmsem-form-token\x1b"
PAGES_KEPT = 256
# `?subject=<id>` opens the form on one of the school's subjects (the Paramètres page gives each one's address).
SUBJECT_PARAMETER = "subject"

_pages: OrderedDict[Hashable, str] = OrderedDict()
_lock = threading.Lock()


def _offered(subjects: tuple[tuple[int, str, str, int], ...], language: str, asked: str) -> int | None:
    """The subject asked for in the address, if the form offers it in this language."""
    for pk, label_fr, label_en, _position in subjects:
        if str(pk) == asked and (label_en if language == "en" else label_fr):
            return pk
    return None


def form_page(
    school: School, language: str, *, subject: str = "", draw: Callable[[str, int | None], str], token: str
) -> str:
    """The blank form's HTML with `token` in it.

    `subject` is the subject asked for in the form's address (a website's page
    about private lessons opens the form on them); one the form does not offer
    is ignored. `draw(slot, subject_id)` renders the page with `slot` as its
    token and that subject chosen.
    """
    subjects = tuple(subjects_live(school=school).values_list("pk", "label_fr", "label_en", "position"))
    categories = tuple(categories_live(school=school).values_list("pk", "code", "label_fr", "label_en", "position"))
    chosen = _offered(subjects, language, subject)
    key = (school.pk, school.slug, school.name, language, timezone.localdate(), subjects, categories, chosen)
    with _lock:
        page = _pages.get(key)
        if page is not None:
            _pages.move_to_end(key)
    if page is None:
        page = draw(TOKEN_SLOT, chosen)
        with _lock:
            _pages[key] = page
            while len(_pages) > PAGES_KEPT:
                _pages.popitem(last=False)
    return page.replace(TOKEN_SLOT, escape(token))


def form_pages_forget() -> None:
    """Drop every kept page (the tests do, so no test meets a page drawn under another's settings)."""
    with _lock:
        _pages.clear()
