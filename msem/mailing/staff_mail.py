"""E-mails written by the platform, not by a school: to its staff, and to people given access.

Each is a directory of templates under templates/mail/<name>/: subject.txt,
body.txt and, for most, body.html (the healthchecks way). They are rendered in
the recipient's language; the school's own texts (acknowledgement, quote …)
are composed elsewhere (msem/mailing/client_mail.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True)
class StaffMail:
    subject: str
    text: str
    html: str  # "" for an e-mail in plain text only


def staff_mail_render(name: str, context: Mapping[str, Any], *, language: str, with_html: bool = True) -> StaffMail:
    """The e-mail `name` in `language`; its subject on one line, whatever the template's line breaks."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"mail/{name}/subject.txt", context).split())
        text = render_to_string(f"mail/{name}/body.txt", context)
        html = render_to_string(f"mail/{name}/body.html", context) if with_html else ""
    return StaffMail(subject=subject, text=text, html=html)
