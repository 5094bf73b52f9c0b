"""E-mails written by the platform, not by a school: to its staff, and to people given access.

Each is a directory of templates under templates/mail/<name>/: subject.txt,
body.txt and, for most, body.html (the healthchecks way). They are rendered in
the recipient's language; the school's own texts (acknowledgement, quote …)
are composed elsewhere (msem/mailing/client_mail.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

# The whitespace a template's layout puts in a subject. Not str.split()'s: that one also takes the
# no-break spaces of French typography ("Votre accès : …") and would let the colon wrap again.
_LAYOUT_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")


def subject_line(rendered: str) -> str:
    """A rendered subject template on one line: its line breaks and runs of spaces become one space."""
    return _LAYOUT_WHITESPACE.sub(" ", rendered).strip(" ")


@dataclass(frozen=True)
class StaffMail:
    subject: str
    text: str
    html: str  # "" for an e-mail in plain text only


def staff_mail_render(name: str, context: Mapping[str, Any], *, language: str, with_html: bool = True) -> StaffMail:
    """The e-mail `name` in `language`; its subject on one line, whatever the template's line breaks."""
    with translation.override(language):
        subject = subject_line(render_to_string(f"mail/{name}/subject.txt", context))
        text = render_to_string(f"mail/{name}/body.txt", context)
        html = render_to_string(f"mail/{name}/body.html", context) if with_html else ""
    return StaffMail(subject=subject, text=text, html=html)
