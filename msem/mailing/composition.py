"""How an e-mail to a client is put together: text, then signature, then the legal footer."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from msem.mailing.placeholders import fill_placeholders

FOOTER_SEPARATOR = "—" * 24
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]+")


@dataclass(frozen=True)
class ComposedMail:
    subject: str
    text: str


def mail_compose(*, subject: str, body: str, signature: str, footer: str, values: Mapping[str, str]) -> ComposedMail:
    filled_subject = _LINE_BREAKS.sub(" ", fill_placeholders(subject, values)).strip()
    sections = [fill_placeholders(body, values).strip(), fill_placeholders(signature, values).strip()]
    text = "\n\n".join(section for section in sections if section)
    filled_footer = fill_placeholders(footer, values).strip()
    if filled_footer:
        text = f"{text}\n\n{FOOTER_SEPARATOR}\n{filled_footer}"
    return ComposedMail(subject=filled_subject, text=text + "\n")
